import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class CookieViewQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true shows cookie and localStorage values; otherwise they are masked' })
  @IsOptional()
  @IsIn(['true', 'false'])
  reveal?: 'true' | 'false';
}

export class DeleteCookiesDto {
  @ApiProperty({ description: 'Cookie name (exact)', maxLength: 4096 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  name: string;

  @ApiPropertyOptional({ description: 'Exact domain; a leading dot is ignored on both sides', maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  domain?: string;

  @ApiPropertyOptional({ description: 'Exact path', maxLength: 4096 })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  path?: string;
}

export class CookieDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: '"••••••••" unless reveal=true' }) value: string;
  @ApiProperty() domain: string;
  @ApiProperty() path: string;
  @ApiProperty({ description: 'Unix seconds; -1 = session cookie' }) expires: number;
  @ApiProperty() httpOnly: boolean;
  @ApiProperty() secure: boolean;
  @ApiProperty({ enum: ['Strict', 'Lax', 'None'] }) sameSite: string;
}

export class LocalStorageEntryDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: '"••••••••" unless reveal=true' }) value: string;
}

export class OriginDto {
  @ApiProperty({ example: 'https://example.com' }) origin: string;
  @ApiProperty({ type: [LocalStorageEntryDto] }) localStorage: LocalStorageEntryDto[];
}

export class CookieJarResponse {
  @ApiProperty({ type: [CookieDto] }) cookies: CookieDto[];
  @ApiProperty({ type: [OriginDto] }) origins: OriginDto[];
}
