import { beforeEach, describe, expect, it } from '@jest/globals';
import { ValidationFailedError } from '../../common/errors.js';
import { InMemorySettings } from '../../../test/settings/support/in-memory-repositories.js';
import { BrowserVersion } from '../browser-version.js';
import { builtInUserAgents } from './built-in-user-agents.js';
import { UserAgentService } from './user-agent.service.js';

class FakeVersion extends BrowserVersion {
  constructor(public major: number) {
    super();
  }
  async majorVersion(): Promise<number> {
    return this.major;
  }
}

class ScriptedUserAgents extends UserAgentService {
  next: number[] = [];
  protected override randomIndex(size: number): number {
    expect(size).toBe(3);
    return this.next.shift() ?? 0;
  }
}

async function fieldErrors(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ValidationFailedError)) throw new Error('expected VALIDATION_FAILED');
  return err.fieldErrors;
}

describe('built-in user agents (RUNNER §11.2)', () => {
  it('are the three desktop Chrome strings with the major version', () => {
    expect(builtInUserAgents(131)).toEqual([
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ]);
  });
});

describe('UserAgentService (API §7.5)', () => {
  let settings: InMemorySettings;
  let version: FakeVersion;
  let service: ScriptedUserAgents;
  const list = () => builtInUserAgents(version.major);

  beforeEach(() => {
    settings = new InMemorySettings();
    version = new FakeVersion(131);
    service = new ScriptedUserAgents(settings, version);
  });

  it('defaults to system', async () => {
    expect(await service.get()).toEqual({ selection: 'system', userAgents: list() });
  });

  it('stores a built-in selection and reports it as selected', async () => {
    const ua = list()[1];
    expect(await service.set(ua, 'ignored')).toEqual({ selection: ua, userAgents: list() });
  });

  it('reports a built-in selection as custom after a browser upgrade', async () => {
    const old = list()[2];
    await service.set(old, undefined);
    version.major = 140;
    expect(await service.get()).toEqual({ selection: 'custom', userAgent: old, userAgents: builtInUserAgents(140) });
  });

  it('stores a custom string and shows userAgent only for custom', async () => {
    expect(await service.set('custom', 'MyBot/1.0')).toEqual({ selection: 'custom', userAgent: 'MyBot/1.0', userAgents: list() });
    expect(await service.set('system', 'MyBot/1.0')).toEqual({ selection: 'system', userAgents: list() });
  });

  it('rejects unknown selections and bad custom strings with field errors', async () => {
    expect(await fieldErrors(service.set('Mozilla/5.0 something else', undefined))).toEqual([{ field: 'selection', message: expect.any(String) }]);
    expect(await fieldErrors(service.set('custom', undefined))).toEqual([{ field: 'userAgent', message: expect.stringMatching(/required/) }]);
    expect(await fieldErrors(service.set('custom', ''))).toEqual([{ field: 'userAgent', message: expect.stringMatching(/required/) }]);
    expect(await fieldErrors(service.set('custom', 'x'.repeat(513)))).toEqual([{ field: 'userAgent', message: expect.stringMatching(/512/) }]);
    expect(await fieldErrors(service.set('custom', 'bad\r\nX-Injected: 1'))).toEqual([{ field: 'userAgent', message: expect.stringMatching(/control/) }]);
    expect(await service.set('custom', 'x'.repeat(512))).toMatchObject({ selection: 'custom' });
  });

  it('resolves the UA for a run: system, built-in, custom, and rotation', async () => {
    const systemUserAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';
    expect(await service.resolve({ rotate: false, systemUserAgent })).toBe(systemUserAgent.replace('HeadlessChrome/', 'Chrome/'));
    await service.set(list()[0], undefined);
    expect(await service.resolve({ rotate: false, systemUserAgent })).toBe(list()[0]);
    await service.set('custom', 'MyBot/1.0');
    expect(await service.resolve({ rotate: false, systemUserAgent })).toBe('MyBot/1.0');
    service.next = [2, 1];
    expect(await service.resolve({ rotate: true, systemUserAgent })).toBe(list()[2]);
    expect(await service.resolve({ rotate: true, systemUserAgent })).toBe(list()[1]);
  });

  it('rotation with the real random source covers every built-in string', async () => {
    const real = new UserAgentService(settings, version);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(await real.resolve({ rotate: true, systemUserAgent: 'x' }));
    expect(seen).toEqual(new Set(list()));
  });
});
