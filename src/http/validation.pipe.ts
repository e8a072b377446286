import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldError, ValidationFailedError } from '../common/errors.js';
import { isPlainObject } from '../common/plain-object.js';
import { unsafeTextFields } from '../common/text-safety.js';

/** Flattens class-validator errors into `[{field, message}]` with paths like `actions[3].selector`. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const segment = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const field = prefix === '' ? segment : segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

class FieldErrors extends Error {
  constructor(readonly errors: FieldError[]) {
    super('validation failed');
  }
}

const PREFIX: Record<ArgumentMetadata['type'], string> = { body: '', query: 'query', param: 'params', custom: '' };

/**
 * Not every storage provider can hold U+0000 or lone surrogates, so they are refused in every
 * body and query value, for every provider alike. Checked here (API §1.4 step 6), after
 * authentication and routing, so unauthenticated callers get 401 and unknown routes 404.
 */
function unsafeInput(value: unknown, metadata: ArgumentMetadata): FieldError[] {
  if (metadata.type === 'body') return unsafeTextFields(value, 20, metadata.data ?? 'body');
  if (metadata.type !== 'query') return [];
  return unsafeTextFields(value, 20, metadata.data ?? 'value').map((e) => ({ ...e, field: `query.${e.field}` }));
}

/**
 * Global ValidationPipe (whitelist + transform). Failures become 400 VALIDATION_FAILED with
 * `details: [{field, message}]`; query fields are reported as `query.<name>`.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      transform: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => new FieldErrors(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const prefix = PREFIX[metadata.type];
    const unsafe = unsafeInput(value, metadata);
    if (unsafe.length > 0) throw new ValidationFailedError(unsafe);
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata) && !isPlainObject(value)) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof FieldErrors)) throw err;
      const errors = err.errors.map((e) => ({ ...e, field: prefix ? `${prefix}.${e.field}` : e.field }));
      throw new ValidationFailedError(errors);
    }
  }
}
