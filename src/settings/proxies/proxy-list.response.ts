import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROTATION_MODES, type RotationMode } from './proxy-rotation.store.js';

/** OpenAPI shapes of the proxy responses (the runtime types are in proxy-list.ts). */
export class ProxyEntryResponse {
  @ApiProperty({ example: 'proxy_3fa9c0d1e2b4', description: "'host' for the virtual no-proxy entry (always first)" })
  id: string;
  @ApiProperty({ example: 'http://203.0.113.5:8080', description: "'host_ip' for the host entry" })
  server: string;
  @ApiPropertyOptional()
  username?: string;
  @ApiPropertyOptional({ example: '••••••••', description: 'Always the mask; absent when no password is stored' })
  password?: string;
  @ApiPropertyOptional()
  label?: string;
  @ApiPropertyOptional({ description: 'Stored proxies only' })
  isRotatingPool?: boolean;
  @ApiPropertyOptional({ minimum: 1 })
  estimatedPoolSize?: number;
  @ApiProperty()
  isDefault: boolean;
}

export class ProxyListResponse {
  @ApiProperty({ type: [ProxyEntryResponse] })
  proxies: ProxyEntryResponse[];
  @ApiProperty({ example: 'host' })
  defaultProxyId: string;
  @ApiProperty()
  includeDefaultInRotation: boolean;
  @ApiProperty({ enum: ROTATION_MODES })
  rotationMode: RotationMode;
}

export class ImportCountsResponse {
  @ApiProperty()
  added: number;
  @ApiProperty()
  updated: number;
  @ApiProperty()
  invalid: number;
}

export class ProxyImportResponse extends ProxyListResponse {
  @ApiProperty({ type: ImportCountsResponse })
  import: ImportCountsResponse;
}
