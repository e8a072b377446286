import type { FieldError } from '../../common/errors.js';

/** Most problems listed in one VALIDATION_FAILED answer; the rest are summarised in one line. */
export const MAX_LISTED_ERRORS = 200;

/** Collects field errors in the order they are found. */
export class FieldErrors {
  private readonly list: FieldError[] = [];
  private omitted = 0;

  add(field: string, message: string): void {
    if (this.list.length < MAX_LISTED_ERRORS) this.list.push({ field, message });
    else this.omitted++;
  }

  addAll(errors: readonly FieldError[]): void {
    for (const e of errors) this.add(e.field, e.message);
  }

  get count(): number {
    return this.list.length + this.omitted;
  }

  toArray(): FieldError[] {
    if (this.omitted === 0) return [...this.list];
    return [...this.list, { field: 'task', message: `${this.omitted} more problems not listed` }];
  }
}
