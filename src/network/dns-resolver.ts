import { Injectable } from '@nestjs/common';
import { promises as dns } from 'node:dns';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** DNS port used by the SSRF guard, so tests can fake name resolution. */
export abstract class DnsResolver {
  /** Every address the name resolves to; rejects (or resolves empty) when it does not resolve. */
  abstract lookupAll(host: string): Promise<ResolvedAddress[]>;
}

/** Resolves through the operating system (getaddrinfo), like the HTTP client and Chromium do. */
@Injectable()
export class SystemDnsResolver extends DnsResolver {
  async lookupAll(host: string): Promise<ResolvedAddress[]> {
    const found = await dns.lookup(host, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
}
