import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors.js';
import { SettingsRepository, type JsonValue } from '../../storage/ports/index.js';
import { BrowserVersion } from '../browser-version.js';
import { builtInUserAgents, CONTROL_CHARS, USER_AGENT_MAX } from './built-in-user-agents.js';

/** Response of GET/POST /api/settings/user-agent (API §7.5). */
export interface UserAgentSettings {
  selection: string;
  userAgent?: string;
  userAgents: string[];
}

/** What is stored under settings key `userAgent`: `system`, `custom` + string, or a built-in string. */
type StoredSelection = { selection: 'system' } | { selection: 'custom'; userAgent: string } | { selection: 'builtin'; userAgent: string };

const SETTINGS_KEY = 'userAgent';

function parseStored(value: JsonValue | undefined): StoredSelection {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { selection, userAgent } = value;
    if ((selection === 'custom' || selection === 'builtin') && typeof userAgent === 'string' && userAgent !== '') return { selection, userAgent };
  }
  return { selection: 'system' };
}

/**
 * User-agent preference (API §7.5) and the UA a run uses (RUNNER §11.2). A built-in selection is
 * stored as its string, so after a browser upgrade it is reported (and used) as a custom string.
 */
@Injectable()
export class UserAgentService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly browser: BrowserVersion,
  ) {}

  async userAgents(): Promise<string[]> {
    return builtInUserAgents(await this.browser.majorVersion());
  }

  async get(): Promise<UserAgentSettings> {
    const [stored, userAgents] = await Promise.all([this.load(), this.userAgents()]);
    if (stored.selection === 'system') return { selection: 'system', userAgents };
    if (stored.selection === 'builtin' && userAgents.includes(stored.userAgent)) return { selection: stored.userAgent, userAgents };
    return { selection: 'custom', userAgent: stored.userAgent, userAgents };
  }

  async set(selection: string, userAgent: string | undefined | null): Promise<UserAgentSettings> {
    const userAgents = await this.userAgents();
    let next: StoredSelection;
    if (selection === 'system') next = { selection: 'system' };
    else if (selection === 'custom') next = { selection: 'custom', userAgent: validCustom(userAgent) };
    else if (userAgents.includes(selection)) next = { selection: 'builtin', userAgent: selection };
    else throw new ValidationFailedError([{ field: 'selection', message: 'selection must be "system", "custom" or one of userAgents' }]);
    await this.settings.set(SETTINGS_KEY, { ...next });
    return this.get();
  }

  /**
   * The UA string for a run: with `rotate`, a uniformly random built-in string; otherwise the
   * selection, where `system` is the browser's own UA with `HeadlessChrome/` → `Chrome/`.
   */
  async resolve(options: { rotate: boolean; systemUserAgent: string }): Promise<string> {
    if (options.rotate) {
      const list = await this.userAgents();
      return list[this.randomIndex(list.length)];
    }
    const stored = await this.load();
    return stored.selection === 'system' ? options.systemUserAgent.replaceAll('HeadlessChrome/', 'Chrome/') : stored.userAgent;
  }

  protected randomIndex(size: number): number {
    return randomInt(size);
  }

  private async load(): Promise<StoredSelection> {
    return parseStored(await this.settings.get(SETTINGS_KEY));
  }
}

function validCustom(userAgent: string | undefined | null): string {
  const problem =
    typeof userAgent !== 'string' || userAgent === ''
      ? 'userAgent is required when selection is "custom"'
      : userAgent.length > USER_AGENT_MAX
        ? `userAgent must be at most ${USER_AGENT_MAX} characters`
        : CONTROL_CHARS.test(userAgent)
          ? 'userAgent must not contain control characters'
          : null;
  if (problem !== null) throw new ValidationFailedError([{ field: 'userAgent', message: problem }]);
  return userAgent as string;
}
