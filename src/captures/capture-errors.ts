import { DomainError } from '../common/errors.js';

export function invalidCaptureName(): DomainError {
  return new DomainError('INVALID_NAME', 'Invalid capture name');
}

export function captureNotFound(name: string): DomainError {
  return new DomainError('CAPTURE_NOT_FOUND', `No capture named '${name}'`, { name });
}

export function rangeNotSatisfiable(size: number): DomainError {
  return new DomainError('RANGE_NOT_SATISFIABLE', 'The requested range is outside the file', { size }, { 'Content-Range': `bytes */${size}` });
}
