import type { Request } from 'express';

/** Fields the HTTP pipeline attaches to each request. */
export interface RequestState {
  requestId: string;
  /** True once the body middleware has run (body is always an object or a JSON value). */
  bodyParsed?: boolean;
  /** Whether the request presented an API key that was accepted. */
  authenticated?: boolean;
}

export type AppRequest = Request & { figranium: RequestState };

export function requestState(req: Request): RequestState {
  const r = req as AppRequest;
  r.figranium ??= { requestId: '' };
  return r.figranium;
}
