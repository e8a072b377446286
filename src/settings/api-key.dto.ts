import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class SetApiKeyDto {
  @ApiPropertyOptional({ description: 'New key (16–512 printable ASCII chars). Omit to generate one.' })
  @IsOptional()
  @IsString()
  apiKey?: string;
}
