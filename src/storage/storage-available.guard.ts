import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { StorageUnavailableError } from '../common/errors.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { StorageStatus } from './ports/index.js';

export const NO_STORAGE = 'figranium:noStorage';
/** Marks a route that works without storage (so it is not answered 503 while the DB is down). */
export const NoStorage = () => SetMetadata(NO_STORAGE, true);

/** API §1.4 step 5: storage-backed routes answer 503 STORAGE_UNAVAILABLE while the DB is unreachable. */
@Injectable()
export class StorageAvailableGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly storage: StorageStatus,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(NO_STORAGE, targets)) return true;
    if (!this.storage.isAvailable()) throw new StorageUnavailableError('Storage is unavailable');
    return true;
  }
}
