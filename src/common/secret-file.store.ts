import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';

/** Files with secrets in the data directory (mode 0600): the initial API key, the encryption key. */
@Injectable()
export class SecretFileStore {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  pathOf(name: string): string {
    return path.join(this.config.dataDir, name);
  }

  async write(name: string, content: string): Promise<string> {
    const file = this.pathOf(name);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    await fs.chmod(file, 0o600);
    return file;
  }

  /** Creates the file only if it does not exist yet (O_EXCL); returns the content that is stored. */
  async readOrCreate(name: string, generate: () => string): Promise<string> {
    const file = this.pathOf(name);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      const handle = await fs.open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
      const content = generate();
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return content;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (await fs.readFile(file, 'utf8')).trim();
    }
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.pathOf(name), { force: true });
  }
}
