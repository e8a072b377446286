import { Injectable } from '@nestjs/common';
import { SettingsRepository } from '../../storage/ports/index.js';

export const SELECTOR_FINDERS = ['highlight', 'ai'] as const;
export type SelectorFinder = (typeof SELECTOR_FINDERS)[number];

const SETTINGS_KEY = 'selectorFinder';
const isFinder = (v: unknown): v is SelectorFinder => (SELECTOR_FINDERS as readonly unknown[]).includes(v);

/** API §7.4: an editor preference the server stores but does not act on. */
@Injectable()
export class SelectorFinderService {
  constructor(private readonly settings: SettingsRepository) {}

  async get(): Promise<SelectorFinder> {
    const stored = await this.settings.get(SETTINGS_KEY);
    return isFinder(stored) ? stored : 'highlight';
  }

  async set(finder: SelectorFinder): Promise<SelectorFinder> {
    await this.settings.set(SETTINGS_KEY, finder);
    return finder;
  }
}
