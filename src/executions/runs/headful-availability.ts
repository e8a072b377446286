import { spawnSync } from 'node:child_process';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors.js';

export const HEADFUL_BINARIES = ['Xvfb', 'x11vnc', 'websockify'] as const;

/** True when `name` is an executable on the server's PATH (looked up by the shell, once). */
function onPath(name: string): boolean {
  const r = spawnSync('sh', ['-c', 'command -v -- "$1" >/dev/null 2>&1', 'sh', name], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

/**
 * Headful tasks on the run routes (API §4.2, §9). Until the headful module exists, they answer
 * 409 HEADFUL_DISPLAY_UNAVAILABLE with the missing display tools.
 */
@Injectable()
export class HeadfulAvailability {
  private missing: string[] | null = null;

  missingBinaries(): string[] {
    this.missing ??= HEADFUL_BINARIES.filter((b) => !onPath(b));
    return this.missing;
  }

  refuse(): never {
    const missing = this.missingBinaries();
    const message =
      missing.length > 0
        ? `Headful sessions need ${missing.join(', ')} on this server`
        : 'Headful sessions are not available in this build of the server';
    throw new DomainError('HEADFUL_DISPLAY_UNAVAILABLE', message, { missing });
  }
}
