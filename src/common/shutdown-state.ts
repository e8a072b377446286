import { Injectable } from '@nestjs/common';

/** Set when SIGTERM/SIGINT arrives: readiness turns 503 and run routes refuse new work. */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;

  begin(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
