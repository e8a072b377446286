import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeletedCountResponse, SuccessResponse } from '../captures.dto.js';
import { CookieJarResponse, CookieViewQueryDto, DeleteCookiesDto } from './cookie-jar.dto.js';
import { CookieJarService } from './cookie-jar.service.js';
import type { StorageState } from './storage-state.js';

/** API §6.2 cookie-jar routes. */
@ApiTags('cookies')
@Controller()
export class CookieJarController {
  constructor(private readonly jar: CookieJarService) {}

  @Get('api/data/cookies')
  @ApiOperation({ summary: 'The shared cookie jar; values are masked unless reveal=true' })
  @ApiOkResponse({ type: CookieJarResponse })
  view(@Query() query: CookieViewQueryDto): Promise<StorageState> {
    return this.jar.view(query.reveal === 'true');
  }

  @Post('api/data/cookies/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete cookies by name, optionally narrowed by domain and path' })
  @ApiOkResponse({ type: DeletedCountResponse })
  async delete(@Body() body: DeleteCookiesDto): Promise<{ success: true; deleted: number }> {
    const deleted = await this.jar.deleteCookies({ name: body.name, domain: body.domain, path: body.path });
    return { success: true, deleted };
  }

  @Post(['api/data/clear-cookies', 'api/clear-cookies'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Empty the cookie jar (cookies and localStorage)' })
  @ApiOkResponse({ type: SuccessResponse })
  async clear(): Promise<{ success: true }> {
    await this.jar.clear();
    return { success: true };
  }
}
