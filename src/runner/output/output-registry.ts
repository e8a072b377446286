import { Inject, Injectable } from '@nestjs/common';
import { OUTPUT_PROVIDERS, type OutputProvider } from './output-provider.js';

/** The registered output providers by name (RUNNER §14). */
@Injectable()
export class OutputProviderRegistry {
  private readonly byName = new Map<string, OutputProvider>();

  constructor(@Inject(OUTPUT_PROVIDERS) providers: OutputProvider[]) {
    for (const provider of providers) {
      if (this.byName.has(provider.name)) throw new Error(`Output provider '${provider.name}' is registered twice`);
      this.byName.set(provider.name, provider);
    }
  }

  get(name: string): OutputProvider | null {
    return this.byName.get(name) ?? null;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
