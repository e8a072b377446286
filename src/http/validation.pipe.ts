import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldError, ValidationFailedError } from '../common/errors.js';
import { isPlainObject } from '../common/plain-object.js';

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
