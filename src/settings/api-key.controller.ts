import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyService, type ApiKeyInfo } from '../auth/api-key.service.js';
import { SetApiKeyDto } from './api-key.dto.js';

/** API §7.2. */
@ApiTags('settings')
@Controller('api/settings/api-key')
export class ApiKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Get()
  info(): Promise<ApiKeyInfo> {
    return this.keys.info();
  }

  @Post()
  @HttpCode(200)
  async set(@Body() body: SetApiKeyDto): Promise<{ apiKey: string }> {
    return { apiKey: await this.keys.setKey(body.apiKey) };
  }
}
