import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsString, Length, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

export const CREDENTIAL_PROVIDERS = ['baserow'] as const;
export type CredentialProvider = (typeof CREDENTIAL_PROVIDERS)[number];

const MAX_BASE_URL_LENGTH = 2048;

/** Optional, but `null` is refused (class-validator's IsOptional would let null through). */
const OptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class CredentialConfigDto {
  @ApiProperty({ description: 'Absolute http(s) URL of the Baserow server; a trailing / is removed.', example: 'https://api.baserow.io', maxLength: MAX_BASE_URL_LENGTH })
  @IsDefined()
  @IsString()
  @MaxLength(MAX_BASE_URL_LENGTH)
  baseUrl: string;

  @ApiProperty({ description: 'Database token (sent as `Token <t>`) or JWT (sent as `JWT <t>`). Encrypted at rest, redacted in responses.', minLength: 1, maxLength: 4096 })
  @IsDefined()
  @IsString()
  @Length(1, 4096)
  token: string;
}

export class CreateCredentialDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Baserow cloud' })
  @IsDefined()
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: CREDENTIAL_PROVIDERS, example: 'baserow' })
  @IsDefined()
  @IsIn(CREDENTIAL_PROVIDERS)
  provider: CredentialProvider;

  @ApiProperty({ type: CredentialConfigDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialConfigDto)
  config: CredentialConfigDto;
}

export class UpdateCredentialConfigDto {
  @ApiPropertyOptional({ description: 'Re-checked (SSRF, DNS) when given.', example: 'https://api.baserow.io', maxLength: MAX_BASE_URL_LENGTH })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_BASE_URL_LENGTH)
  baseUrl?: string;

  @ApiPropertyOptional({ description: 'Omitted, or equal to the redacted form shown in responses: the stored token is kept.', minLength: 1, maxLength: 4096 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 4096)
  token?: string;
}

/** PUT is a partial update (API §8). */
export class UpdateCredentialDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ enum: CREDENTIAL_PROVIDERS, description: 'Cannot change; accepted for clients that send the whole object back.' })
  @OptionalNotNull()
  @IsIn(CREDENTIAL_PROVIDERS)
  provider?: CredentialProvider;

  @ApiPropertyOptional({ type: UpdateCredentialConfigDto })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateCredentialConfigDto)
  config?: UpdateCredentialConfigDto;
}
