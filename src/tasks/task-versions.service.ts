import { Inject, Injectable } from '@nestjs/common';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { setOwn } from './model/coerce.js';
import { PLAUSIBLE_STORED_ID, TaskInputValidator } from './task-input.validator.js';
import { TaskSecrets } from './task-secrets.js';
import { TaskStore, versionNotFound } from './task-store.js';
import { taskView, versionListItem, versionView, type TaskView, type VersionListItem, type VersionView } from './task-views.js';

/** API §3: task versions and rollback. */
@Injectable()
export class TaskVersionsService {
  constructor(
    private readonly store: TaskStore,
    private readonly input: TaskInputValidator,
    private readonly secrets: TaskSecrets,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Newest first. */
  async list(id: string): Promise<{ versions: VersionListItem[] }> {
    await this.store.require(id);
    return { versions: (await this.store.repo.listVersions(id)).map(versionListItem) };
  }

  async get(id: string, versionId: string): Promise<VersionView> {
    await this.store.require(id);
    return versionView(await this.store.requireVersion(id, versionId));
  }

  async remove(id: string, versionId: string): Promise<{ success: true }> {
    return this.store.exclusive(id, async () => {
      await this.store.require(id);
      const deleted = PLAUSIBLE_STORED_ID.test(versionId) && (await this.store.repo.deleteVersion(id, versionId));
      if (!deleted) throw versionNotFound(id, versionId);
      return { success: true as const };
    });
  }

  async clear(id: string): Promise<{ success: true }> {
    return this.store.exclusive(id, async () => {
      await this.store.require(id);
      await this.store.repo.clearVersions(id);
      return { success: true as const };
    });
  }

  /**
   * Snapshots the current task (reason `rollback`), then restores the chosen snapshot with `id`
   * forced to the path id and `updatedAt` = now. The snapshot is validated first; when it no
   * longer passes, nothing changes (400).
   */
  async rollback(id: string, versionId: string): Promise<TaskView> {
    return this.store.exclusive(id, async () => {
      const stored = await this.store.require(id);
      const version = await this.store.requireVersion(id, versionId);
      const opened = this.secrets.openForEdit(version.snapshot);
      setOwn(opened.task, 'id', id);
      const task = await this.input.validate(opened.task, opened.storedVariables);
      const now = this.store.now();
      const doc = this.store.document(task, id, this.store.createdAtOf(stored, now), now);
      await this.store.save(doc, this.store.snapshot(id, stored, 'rollback', now));
      this.logger.info({ taskId: id, versionId, reason: 'rollback' }, 'task saved');
      return taskView(doc);
    });
  }
}
