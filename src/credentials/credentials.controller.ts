import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateCredentialDto, UpdateCredentialDto } from './credential.dto.js';
import { CredentialResponse, OkResponse } from './credential.responses.js';
import type { CredentialView } from './credential.view.js';
import { CredentialsService } from './credentials.service.js';

/** API §8: credential CRUD. */
@ApiTags('credentials')
@Controller('api/credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @ApiOkResponse({ type: [CredentialResponse] })
  list(): Promise<CredentialView[]> {
    return this.credentials.list();
  }

  @Post()
  @ApiCreatedResponse({ type: CredentialResponse })
  create(@Body() body: CreateCredentialDto): Promise<CredentialView> {
    return this.credentials.create(body);
  }

  @Put(':id')
  @ApiOkResponse({ type: CredentialResponse })
  update(@Param('id') id: string, @Body() body: UpdateCredentialDto): Promise<CredentialView> {
    return this.credentials.update(id, body);
  }

  @Delete(':id')
  @ApiOkResponse({ type: OkResponse })
  async remove(@Param('id') id: string): Promise<{ ok: true }> {
    await this.credentials.remove(id);
    return { ok: true };
  }
}
