import { ApiProperty } from '@nestjs/swagger';
import { CREDENTIAL_PROVIDERS } from './credential.dto.js';

/** Swagger shapes of the credential responses (API §8). */
export class CredentialConfigResponse {
  @ApiProperty({ example: 'https://api.baserow.io' })
  baseUrl: string;

  @ApiProperty({ description: '"••••" + the last 4 characters, or "••••" alone for tokens under 12 characters.', example: '••••x9Qz' })
  token: string;
}

export class CredentialResponse {
  @ApiProperty({ example: 'cred_01JD3Z6Y8M2Q4W7E9R1T3Y5U7I' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: CREDENTIAL_PROVIDERS })
  provider: string;

  @ApiProperty({ type: CredentialConfigResponse })
  config: CredentialConfigResponse;

  @ApiProperty({ description: 'Epoch milliseconds.' })
  createdAt: number;

  @ApiProperty({ description: 'Epoch milliseconds.' })
  updatedAt: number;
}

export class OkResponse {
  @ApiProperty({ example: true })
  ok: boolean;
}

export class BaserowDatabaseResponse {
  @ApiProperty()
  id: number;

  @ApiProperty({ description: 'For database tokens: "Database <id>".' })
  name: string;

  @ApiProperty({ description: 'Empty for database tokens.' })
  workspaceName: string;
}

export class BaserowTableResponse {
  @ApiProperty()
  id: number;

  @ApiProperty()
  name: string;
}
