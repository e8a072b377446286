/**
 * Runtime inputs (API §4.2): the task's declared values, then `taskVariables`, then `variables`.
 * Values for declared variables are coerced to the declared type; undeclared names pass through.
 */
import type { FieldError } from '../../common/errors.js';
import { getOwn, hasOwn, setOwn } from '../../tasks/model/coerce.js';
import type { TaskVariables } from '../../tasks/model/task.types.js';
import { coerceVariableValue } from '../../tasks/model/validate-variables.js';
import type { SuppliedVariables } from './run-body.js';

export interface InputLayer {
  /** Field prefix for error paths: `variables` or `taskVariables`. */
  field: string;
  values: SuppliedVariables;
}

export interface ResolvedInputs {
  inputs: Record<string, unknown>;
  /** Declared secret variables, plus supplied definitions marked `secret: true`. */
  secretNames: string[];
}

export function resolveInputs(declared: TaskVariables, layers: InputLayer[]): ResolvedInputs | { errors: FieldError[] } {
  const inputs: Record<string, unknown> = {};
  const secrets = new Set<string>();
  for (const name of Object.keys(declared)) {
    const def = getOwn(declared, name) as TaskVariables[string];
    setOwn(inputs, name, def.value);
    if (def.secret === true) secrets.add(name);
  }
  const errors: FieldError[] = [];
  for (const layer of layers) {
    for (const name of Object.keys(layer.values)) {
      const supplied = layer.values[name];
      let value = supplied.value;
      if (hasOwn(declared, name)) {
        const coerced = coerceVariableValue((getOwn(declared, name) as TaskVariables[string]).type, value);
        if ('error' in coerced) {
          errors.push({ field: `${layer.field}.${name}`, message: coerced.error });
          continue;
        }
        value = coerced.value;
      }
      setOwn(inputs, name, value);
      if (supplied.secret) secrets.add(name);
    }
  }
  return errors.length > 0 ? { errors } : { inputs, secretNames: [...secrets] };
}
