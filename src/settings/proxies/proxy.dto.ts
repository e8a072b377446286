import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { LABEL_MAX, PASSWORD_MAX, SERVER_MAX, USERNAME_MAX } from './proxy-input.js';
import { ROTATION_MODES, type RotationMode } from './proxy-rotation.store.js';

const MAX_IDS = 1000;

/** Body of POST /api/settings/proxies and PUT /api/settings/proxies/:id. */
export class ProxyBodyDto {
  @ApiProperty({ description: '[scheme://][user:pass@]host[:port]; schemes http, https, socks4, socks5', example: 'http://203.0.113.5:8080' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SERVER_MAX)
  server: string;

  @ApiPropertyOptional({ nullable: true, maxLength: USERNAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(USERNAME_MAX)
  username?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: PASSWORD_MAX,
    description: 'PUT: omitted or the mask "••••••••" keeps the stored password; null or "" clears it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: LABEL_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(LABEL_MAX)
  label?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Informational' })
  @IsOptional()
  @IsBoolean()
  isRotatingPool?: boolean | null;

  @ApiPropertyOptional({ nullable: true, minimum: 1, description: 'Informational' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  estimatedPoolSize?: number | null;
}

export class DeleteProxiesDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_IDS, description: "Unknown ids and 'host' are skipped" })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_IDS)
  @IsString({ each: true })
  ids: string[];
}

export class ImportProxiesDto {
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_IDS,
    items: {
      oneOf: [
        { type: 'string', example: 'http://user:pass@203.0.113.5:8080' },
        {
          type: 'object',
          properties: {
            server: { type: 'string' },
            url: { type: 'string' },
            proxy: { type: 'string' },
            username: { type: 'string' },
            user: { type: 'string' },
            password: { type: 'string' },
            pass: { type: 'string' },
            label: { type: 'string' },
          },
        },
      ],
    },
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_IDS)
  proxies: unknown[];
}

export class SetDefaultProxyDto {
  @ApiProperty({ type: String, nullable: true, description: "Proxy id; null or 'host' selects no proxy" })
  @ValidateIf((o: SetDefaultProxyDto) => o.id !== null)
  @IsString()
  @MaxLength(200)
  id: string | null;
}

export class ProxyRotationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  includeDefaultInRotation?: boolean;

  @ApiPropertyOptional({ enum: ROTATION_MODES })
  @IsOptional()
  @IsIn(ROTATION_MODES)
  rotationMode?: RotationMode;
}
