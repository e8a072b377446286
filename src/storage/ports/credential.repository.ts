export interface StoredCredential {
  id: string; // cred_<ULID>
  name: string;
  provider: 'baserow';
  config: { baseUrl: string; /** AES-256-GCM encrypted by the credentials service */ tokenEnc: string };
  createdAt: number;
  updatedAt: number;
}

export abstract class CredentialRepository {
  /** Oldest first. */
  abstract list(): Promise<StoredCredential[]>;
  abstract get(id: string): Promise<StoredCredential | null>;
  /** Insert or replace by id. */
  abstract save(credential: StoredCredential): Promise<void>;
  abstract delete(id: string): Promise<boolean>;
}
