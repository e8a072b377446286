import type { StoredCredential } from '../storage/ports/index.js';

/** A credential as every response shows it (API §8): the token is always redacted. */
export interface CredentialView {
  id: string;
  name: string;
  provider: StoredCredential['provider'];
  config: { baseUrl: string; token: string };
  createdAt: number;
  updatedAt: number;
}

export function toView(stored: StoredCredential, redactedToken: string): CredentialView {
  return {
    id: stored.id,
    name: stored.name,
    provider: stored.provider,
    config: { baseUrl: stored.config.baseUrl, token: redactedToken },
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}
