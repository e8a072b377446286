import { DomainError } from '../common/errors.js';

/**
 * Why the SSRF guard refused a URL. Callers that retry (webhooks) use it: `unresolvable` may be
 * transient; the others are final.
 */
export type RefusalKind =
  | 'unparsable'
  | 'unsupported_scheme'
  | 'docker_host'
  | 'localhost'
  | 'private_address'
  | 'unresolvable';

/** `standard`: INVALID_URL / PRIVATE_NETWORK_BLOCKED. `webhook`: INVALID_WEBHOOK_URL `{reason}`. */
export type GuardFlavour = 'standard' | 'webhook';

export interface Refusal {
  kind: RefusalKind;
  /** Redacted URL (API §4.8 rules). */
  url: string;
  /** Blocked address, or the refused host name for name-based rules; null otherwise. */
  address: string | null;
  /** Matched CIDR for `private_address`. */
  range?: string;
  /** Detail for the message only (e.g. the scheme or DNS error code). */
  note?: string;
}

/** `details.reason` for INVALID_URL and INVALID_WEBHOOK_URL. */
const WEBHOOK_REASON: Record<RefusalKind, string> = {
  unparsable: 'unparsable',
  unsupported_scheme: 'unsupported_scheme',
  docker_host: 'private_network',
  localhost: 'private_network',
  private_address: 'private_network',
  unresolvable: 'unresolvable',
};

function describe(r: Refusal): string {
  switch (r.kind) {
    case 'unparsable':
      return `URL is not a valid absolute URL: ${r.url}`;
    case 'unsupported_scheme':
      return `URL scheme ${r.note ?? ''} is not allowed (only http and https): ${r.url}`;
    case 'docker_host':
      return `URL host host.docker.internal is always refused: ${r.url}`;
    case 'localhost':
      return `URL host ${r.address ?? ''} is a loopback name and private networks are not allowed: ${r.url}`;
    case 'private_address':
      return `URL resolves to blocked address ${r.address ?? ''} (${r.range ?? ''}): ${r.url}`;
    case 'unresolvable':
      return `URL host does not resolve${r.note ? ` (${r.note})` : ''}: ${r.url}`;
  }
}

/**
 * A URL refused by the SSRF guard (API §1.9). It is a DomainError, so it maps straight to the
 * HTTP error body; `refusal` keeps the structured reason for callers that need more.
 */
export class UrlRefusedError extends DomainError {
  constructor(
    readonly refusal: Refusal,
    readonly flavour: GuardFlavour,
  ) {
    super(...UrlRefusedError.shape(refusal, flavour));
    this.name = 'UrlRefusedError';
  }

  get kind(): RefusalKind {
    return this.refusal.kind;
  }

  private static shape(r: Refusal, flavour: GuardFlavour): ConstructorParameters<typeof DomainError> {
    const message = describe(r);
    if (flavour === 'webhook') return ['INVALID_WEBHOOK_URL', `Invalid webhook URL. ${message}`, { reason: WEBHOOK_REASON[r.kind] }];
    switch (r.kind) {
      case 'unparsable':
      case 'unsupported_scheme':
      case 'unresolvable':
        return ['INVALID_URL', message, { url: r.url, reason: r.kind }];
      default:
        return ['PRIVATE_NETWORK_BLOCKED', message, { url: r.url, address: r.address }];
    }
  }
}
