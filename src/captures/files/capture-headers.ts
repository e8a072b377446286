import type { ParsedCaptureName } from '../capture-name.js';

const IMAGE_AND_VIDEO_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webm: 'video/webm',
};

export const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/**
 * API §6.2 for screenshots and recordings: `.png`, `.jpg`/`.jpeg`, `.webm`, else octet-stream.
 * Downloads are looked up by extension elsewhere (Express's MIME table, `res.type`).
 */
export function mediaContentType(parsed: ParsedCaptureName): string {
  return (parsed.ext && IMAGE_AND_VIDEO_TYPES[parsed.ext]) || FALLBACK_CONTENT_TYPE;
}

/** Strong validator from size and exact modification time. */
export function captureEtag(size: number, modified: number): string {
  return `"${size.toString(16)}-${modified.toString(16)}"`;
}

/** Downloads always carry their sanitised original name (only `[A-Za-z0-9._-]`, so no quoting issues). */
export function contentDisposition(parsed: ParsedCaptureName): string | undefined {
  return parsed.kind === 'dl' && parsed.suffix ? `attachment; filename="${parsed.suffix}"` : undefined;
}

/** RFC 9110 §13.1.2 weak comparison against an If-None-Match list. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * If-Range (RFC 9110 §13.1.5): the range applies only when the validator still matches:
 * a strong ETag equal to ours, or exactly our Last-Modified date.
 */
export function ifRangeAllows(header: string | undefined, etag: string, lastModified: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}
