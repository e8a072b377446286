import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SetUserAgentDto, UserAgentResponse } from './user-agent.dto.js';
import { UserAgentService, type UserAgentSettings } from './user-agent.service.js';

/** API §7.5. */
@ApiTags('settings')
@Controller('api/settings/user-agent')
export class UserAgentController {
  constructor(private readonly userAgents: UserAgentService) {}

  @Get()
  @ApiOkResponse({ type: UserAgentResponse })
  get(): Promise<UserAgentSettings> {
    return this.userAgents.get();
  }

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: UserAgentResponse })
  set(@Body() body: SetUserAgentDto): Promise<UserAgentSettings> {
    return this.userAgents.set(body.selection, body.userAgent);
  }
}
