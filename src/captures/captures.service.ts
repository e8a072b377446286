import { Injectable } from '@nestjs/common';
import { ExecutionRepository } from '../storage/ports/index.js';
import { isValidCaptureName, parseCaptureName, sanitizeRunId, type ParsedCaptureName } from './capture-name.js';
import { byModifiedDesc, toCapture, type Capture } from './capture.view.js';
import { CaptureStore, type OpenCaptureFile } from './store/capture-store.js';
import { captureNotFound, invalidCaptureName } from './capture-errors.js';

/** Capture routes (API §6.2) over the CaptureStore. */
@Injectable()
export class CapturesService {
  constructor(
    private readonly store: CaptureStore,
    private readonly executions: ExecutionRepository,
  ) {}

  /** Every capture, newest first; `runId` is sanitised and matched exactly against the name's run id. */
  async list(runId?: string): Promise<Capture[]> {
    const wanted = runId === undefined || runId === '' ? undefined : sanitizeRunId(runId);
    const captures = (await this.store.list()).map(toCapture).filter((c): c is Capture => c !== null);
    return captures.filter((c) => wanted === undefined || c.runId === wanted).sort(byModifiedDesc);
  }

  async screenshots(): Promise<Capture[]> {
    return (await this.list()).filter((c) => c.type === 'screenshot');
  }

  /** INVALID_NAME before any file-system access, then CAPTURE_NOT_FOUND. */
  async open(name: string): Promise<{ parsed: ParsedCaptureName; file: OpenCaptureFile }> {
    const parsed = parseCaptureName(name);
    if (!parsed) throw invalidCaptureName();
    const file = await this.store.open(name);
    if (!file) throw captureNotFound(name);
    return { parsed, file };
  }

  async delete(name: string): Promise<void> {
    if (!isValidCaptureName(name)) throw invalidCaptureName();
    if (!(await this.store.delete(name))) throw captureNotFound(name);
  }

  /**
   * Deletes every capture except those of queued or running executions. Files are listed
   * before the active runs are read, so a run admitted meanwhile cannot lose a file it writes.
   */
  async clear(): Promise<number> {
    const files = await this.store.list();
    const active = new Set((await this.executions.listActive()).map((e) => sanitizeRunId(e.runId)));
    let deleted = 0;
    for (const file of files) {
      const parsed = parseCaptureName(file.name);
      if (!parsed || active.has(parsed.runId)) continue;
      if (await this.store.delete(file.name)) deleted++;
    }
    return deleted;
  }
}
