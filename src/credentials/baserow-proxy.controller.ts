import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BaserowClient } from './baserow/baserow-client.js';
import type { BaserowDatabase, BaserowTableRef } from './baserow/baserow-responses.js';
import { DatabaseTablesParams } from './baserow-proxy.params.js';
import { BaserowDatabaseResponse, BaserowTableResponse } from './credential.responses.js';
import { CredentialsService } from './credentials.service.js';

/** API §8: Baserow look-ups through a stored credential (for pickers in clients). */
@ApiTags('credentials')
@Controller('api/credentials/:id/proxy/baserow')
export class BaserowProxyController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly baserow: BaserowClient,
  ) {}

  @Get('databases')
  @ApiOkResponse({ type: [BaserowDatabaseResponse] })
  async databases(@Param('id') id: string): Promise<BaserowDatabase[]> {
    return this.baserow.listDatabases(await this.credentials.connection(id));
  }

  @Get('databases/:databaseId/tables')
  @ApiOkResponse({ type: [BaserowTableResponse] })
  async tables(@Param() params: DatabaseTablesParams): Promise<BaserowTableRef[]> {
    return this.baserow.listTables(await this.credentials.connection(params.id), Number(params.databaseId));
  }
}
