import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { USER_AGENT_MAX } from './built-in-user-agents.js';

export class SetUserAgentDto {
  @ApiProperty({ description: '"system", "custom", or one of the built-in userAgents' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(USER_AGENT_MAX)
  selection: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: USER_AGENT_MAX, description: 'Required when selection is "custom"; no control characters' })
  @IsOptional()
  @IsString()
  @MaxLength(USER_AGENT_MAX)
  userAgent?: string | null;
}

export class UserAgentResponse {
  @ApiProperty({ example: 'system' })
  selection: string;
  @ApiPropertyOptional({ description: 'Only when selection is "custom"' })
  userAgent?: string;
  @ApiProperty({ type: [String] })
  userAgents: string[];
}
