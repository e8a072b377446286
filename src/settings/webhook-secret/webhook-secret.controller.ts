import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { WebhookSecretService, type WebhookSecretInfo } from './webhook-secret.service.js';

class WebhookSecretResponse {
  @ApiProperty({ description: 'Key of the X-Figranium-Signature HMAC-SHA256' })
  secret: string;
  @ApiProperty({ enum: ['env', 'generated'] })
  source: 'env' | 'generated';
}

/** API §7.3. */
@ApiTags('settings')
@Controller('api/settings/webhook-secret')
export class WebhookSecretController {
  constructor(private readonly secrets: WebhookSecretService) {}

  @Get()
  @ApiOkResponse({ type: WebhookSecretResponse })
  get(): Promise<WebhookSecretInfo> {
    return this.secrets.info();
  }
}
