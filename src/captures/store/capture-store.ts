import type { Readable } from 'node:stream';

/** A complete capture file as stored. */
export interface CaptureFileInfo {
  name: string;
  size: number;
  /** Last modification time, epoch ms. */
  modified: number;
}

/** An open capture file; its size and time belong to the opened file, not to a later one. */
export interface OpenCaptureFile extends CaptureFileInfo {
  /**
   * Streams the file, or bytes `start..end` (inclusive). May be called once; the stream closes
   * the file when it ends or is destroyed.
   */
  createReadStream(range?: { start: number; end: number }): Readable;
  /** Releases the file when no stream was created. Safe to call more than once. */
  close(): Promise<void>;
}

/** Thrown by `saveFile` / `writeBuffer` when a capture with that name already exists. */
export class CaptureExistsError extends Error {
  constructor(readonly captureName: string) {
    super(`A capture named '${captureName}' already exists`);
    this.name = 'CaptureExistsError';
  }
}

/**
 * Capture files (API §6). Every method takes a capture name and refuses an invalid one
 * (DomainError INVALID_NAME) before touching storage. Files appear only when complete.
 * Used by the capture routes and by the runner (screenshots, recordings, downloads).
 */
export abstract class CaptureStore {
  /** Every complete file with a valid capture name, in no particular order. */
  abstract list(): Promise<CaptureFileInfo[]>;
  abstract stat(name: string): Promise<CaptureFileInfo | null>;
  /** Opens a file for reading; null when there is no such file. */
  abstract open(name: string): Promise<OpenCaptureFile | null>;
  /** Returns false when there was no such file. */
  abstract delete(name: string): Promise<boolean>;
  /**
   * A fresh path in a staging area on the same file system as the captures, for writers that
   * need a path (e.g. Playwright `download.saveAs`). Hand it to `saveFile` when complete.
   */
  abstract createTempPath(): Promise<string>;
  /**
   * Moves a complete file (from `createTempPath` or anywhere else) into place under `name`.
   * The source is gone afterwards. Never overwrites: CaptureExistsError.
   */
  abstract saveFile(sourcePath: string, name: string): Promise<CaptureFileInfo>;
  /** Writes `data` as capture `name`, visible only once complete. Never overwrites. */
  abstract writeBuffer(name: string, data: Uint8Array): Promise<CaptureFileInfo>;
}
