import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RollbackTaskDto, UpsertTaskQuery, versionFlag } from './dto/task-requests.dto.js';
import {
  DeleteTaskResponse,
  PatchTaskResponse,
  SuccessResponse,
  TaskListResponse,
  TaskVersionListResponse,
  TaskVersionResponse,
} from './dto/task-responses.js';
import { TaskBodySchema, TaskPatchSchema, TaskSchema, TaskVariableSchema } from './dto/task.schema.js';
import { TaskVersionsService } from './task-versions.service.js';
import type { TaskListItem, TaskView, VersionListItem, VersionView } from './task-views.js';
import { TasksService, type PatchResult } from './tasks.service.js';

/**
 * API §3. Task bodies are taken as raw JSON (`unknown`) and validated by validateTask, so the
 * global whitelist pipe does not strip unknown fields. `list` is declared before `:id`.
 */
@ApiTags('tasks')
@ApiExtraModels(TaskVariableSchema)
@Controller('api/tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly versions: TaskVersionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'All tasks, newest updatedAt first' })
  @ApiOkResponse({ type: [TaskSchema] })
  list(): Promise<TaskView[]> {
    return this.tasks.list();
  }

  @Get('list')
  @ApiOperation({ summary: 'Id, name and description of every task' })
  @ApiOkResponse({ type: TaskListResponse })
  summaries(): Promise<{ tasks: TaskListItem[] }> {
    return this.tasks.listSummaries();
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or replace a task (upsert by id)' })
  @ApiBody({ type: TaskBodySchema })
  @ApiOkResponse({ type: TaskSchema })
  upsert(@Body() body: unknown, @Query() query: UpsertTaskQuery): Promise<TaskView> {
    return this.tasks.upsert(body, versionFlag(query));
  }

  @Get(':id')
  @ApiOkResponse({ type: TaskSchema })
  get(@Param('id') id: string): Promise<TaskView> {
    return this.tasks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'JSON Merge Patch (RFC 7396) of a stored task' })
  @ApiConsumes('application/json', 'application/merge-patch+json')
  @ApiBody({ type: TaskPatchSchema, description: 'Partial task: objects merge, arrays replace, null removes.' })
  @ApiOkResponse({ type: PatchTaskResponse })
  patch(@Param('id') id: string, @Body() body: unknown): Promise<PatchResult> {
    return this.tasks.patch(id, body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an existing task' })
  @ApiBody({ type: TaskBodySchema })
  @ApiOkResponse({ type: TaskSchema })
  replace(@Param('id') id: string, @Body() body: unknown): Promise<TaskView> {
    return this.tasks.replace(id, body);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeleteTaskResponse })
  remove(@Param('id') id: string): Promise<{ id: string; deleted: true }> {
    return this.tasks.remove(id);
  }

  @Get(':id/versions')
  @ApiOkResponse({ type: TaskVersionListResponse })
  listVersions(@Param('id') id: string): Promise<{ versions: VersionListItem[] }> {
    return this.versions.list(id);
  }

  @Post(':id/versions/clear')
  @HttpCode(200)
  @ApiOkResponse({ type: SuccessResponse })
  clearVersions(@Param('id') id: string): Promise<{ success: true }> {
    return this.versions.clear(id);
  }

  @Get(':id/versions/:versionId')
  @ApiOkResponse({ type: TaskVersionResponse })
  getVersion(@Param('id') id: string, @Param('versionId') versionId: string): Promise<VersionView> {
    return this.versions.get(id, versionId);
  }

  @Delete(':id/versions/:versionId')
  @ApiOkResponse({ type: SuccessResponse })
  deleteVersion(@Param('id') id: string, @Param('versionId') versionId: string): Promise<{ success: true }> {
    return this.versions.remove(id, versionId);
  }

  @Post(':id/rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a version (the current state is versioned first)' })
  @ApiOkResponse({ type: TaskSchema })
  rollback(@Param('id') id: string, @Body() body: RollbackTaskDto): Promise<TaskView> {
    return this.versions.rollback(id, body.versionId);
  }
}
