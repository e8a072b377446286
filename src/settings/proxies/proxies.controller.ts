import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeleteProxiesDto, ImportProxiesDto, ProxyBodyDto, ProxyRotationDto, SetDefaultProxyDto } from './proxy.dto.js';
import type { ProxyList } from './proxy-list.js';
import { ProxyImportResponse, ProxyListResponse } from './proxy-list.response.js';
import { ProxySettingsService, type ImportCounts } from './proxy-settings.service.js';

/** API §7.1. Every route answers the full ProxyList. */
@ApiTags('settings')
@Controller('api/settings/proxies')
export class ProxiesController {
  constructor(private readonly proxies: ProxySettingsService) {}

  @Get()
  @ApiOkResponse({ type: ProxyListResponse })
  list(): Promise<ProxyList> {
    return this.proxies.list();
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a proxy (409 PROXY_EXISTS for the same server and username)' })
  @ApiOkResponse({ type: ProxyListResponse })
  add(@Body() body: ProxyBodyDto): Promise<ProxyList> {
    return this.proxies.add(body);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Import proxies from strings or objects; existing matches are updated in place' })
  @ApiOkResponse({ type: ProxyImportResponse })
  import(@Body() body: ImportProxiesDto): Promise<ProxyList & { import: ImportCounts }> {
    return this.proxies.import(body.proxies);
  }

  @Post('default')
  @HttpCode(200)
  @ApiOkResponse({ type: ProxyListResponse })
  setDefault(@Body() body: SetDefaultProxyDto): Promise<ProxyList> {
    return this.proxies.setDefault(body.id);
  }

  @Post('rotation')
  @HttpCode(200)
  @ApiOkResponse({ type: ProxyListResponse })
  setRotation(@Body() body: ProxyRotationDto): Promise<ProxyList> {
    return this.proxies.setRotation(body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a proxy (omitted fields are cleared; the password is kept unless given)' })
  @ApiOkResponse({ type: ProxyListResponse })
  update(@Param('id') id: string, @Body() body: ProxyBodyDto): Promise<ProxyList> {
    return this.proxies.update(id, body);
  }

  @Delete()
  @ApiOperation({ summary: "Delete several proxies; unknown ids and 'host' are skipped" })
  @ApiOkResponse({ type: ProxyListResponse })
  removeMany(@Body() body: DeleteProxiesDto): Promise<ProxyList> {
    return this.proxies.removeMany(body.ids);
  }

  @Delete(':id')
  @ApiOkResponse({ type: ProxyListResponse })
  remove(@Param('id') id: string): Promise<ProxyList> {
    return this.proxies.remove(id);
  }
}
