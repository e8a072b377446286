import { DomainError } from '../../common/errors.js';
import { OutboundRequestError } from '../../network/outbound-request.error.js';
import { UrlRefusedError } from '../../network/url-refused.error.js';
import { baserowErrorCode, outboundFailure, upstreamStatusError } from './baserow-errors.js';

describe('Baserow error mapping (API §8)', () => {
  it('reads Baserow\'s "error" code from a JSON body only', () => {
    expect(baserowErrorCode(Buffer.from('{"error":"ERROR_X","detail":"d"}'))).toBe('ERROR_X');
    expect(baserowErrorCode(Buffer.from('{"detail":"d"}'))).toBeUndefined();
    expect(baserowErrorCode(Buffer.from('{"error":42}'))).toBeUndefined();
    expect(baserowErrorCode(Buffer.from('<html>'))).toBeUndefined();
  });

  it('a non-2xx status → 502 UPSTREAM_ERROR {upstreamStatus, upstreamError?}', () => {
    const withCode = upstreamStatusError(401, Buffer.from('{"error":"ERROR_INVALID_ACCESS_TOKEN"}'));
    expect([withCode.code, withCode.status, withCode.details]).toEqual(['UPSTREAM_ERROR', 502, { upstreamStatus: 401, upstreamError: 'ERROR_INVALID_ACCESS_TOKEN' }]);
    expect(upstreamStatusError(500, Buffer.from('')).details).toEqual({ upstreamStatus: 500 });
  });

  it('transport failures → upstreamStatus null with reason; refusals and aborts pass through', () => {
    const asDomain = (e: unknown) => e as DomainError;
    expect(asDomain(outboundFailure(new OutboundRequestError('timeout', 't', 'http://x/'), 10_000)).details).toEqual({ upstreamStatus: null, reason: 'timeout' });
    expect(asDomain(outboundFailure(new OutboundRequestError('unreachable', 'u', 'http://x/'), 1)).details).toEqual({ upstreamStatus: null, reason: 'unreachable' });
    expect(asDomain(outboundFailure(new OutboundRequestError('network', 'n', 'http://x/'), 1)).details).toEqual({ upstreamStatus: null, reason: 'unreachable' });
    expect(asDomain(outboundFailure(new OutboundRequestError('too_large', 'big', 'http://x/'), 1)).details).toEqual({ upstreamStatus: null, reason: 'invalid_response' });
    const refusal = new UrlRefusedError({ kind: 'private_address', url: 'http://10.0.0.1/', address: '10.0.0.1' }, 'standard');
    expect(outboundFailure(new OutboundRequestError('blocked', 'b', 'http://10.0.0.1/', refusal), 1)).toBe(refusal);
    const aborted = new OutboundRequestError('aborted', 'a', 'http://x/');
    expect(outboundFailure(aborted, 1)).toBe(aborted);
    const other = new Error('other');
    expect(outboundFailure(other, 1)).toBe(other);
  });
});
