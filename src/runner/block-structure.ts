import type { FieldError } from '../common/errors.js';
import { canonicalType, OPENER_TYPES, type CanonicalActionType } from '../tasks/model/task.types.js';

/**
 * Jump tables for the interpreter (RUNNER §5.1), all keyed by action index:
 * opener → its `end`, `if` → its `else`, `else` → the `end` of its `if`, `end` → its opener.
 */
export interface BlockTables {
  endOf: ReadonlyMap<number, number>;
  elseOf: ReadonlyMap<number, number>;
  endOfElse: ReadonlyMap<number, number>;
  openerOf: ReadonlyMap<number, number>;
}

export type BlockAnalysis = { ok: true; tables: BlockTables } | { ok: false; errors: FieldError[] };

/** Anything with a `type`; unknown or missing types count as plain actions. */
export type TypedAction = { readonly type?: unknown };

function typeOf(action: TypedAction | null | undefined): CanonicalActionType | null {
  const t = action?.type;
  return typeof t === 'string' ? canonicalType(t) : null;
}

/**
 * One pass with a stack over all actions, disabled ones included (their `disabled` flag does
 * not change the structure). Every problem is reported, each on the field `actions[i]`.
 */
export function analyzeBlocks(actions: ReadonlyArray<TypedAction | null | undefined>): BlockAnalysis {
  const errors: FieldError[] = [];
  const endOf = new Map<number, number>();
  const elseOf = new Map<number, number>();
  const endOfElse = new Map<number, number>();
  const openerOf = new Map<number, number>();
  const stack: Array<{ index: number; type: CanonicalActionType }> = [];

  actions.forEach((action, i) => {
    const type = typeOf(action);
    if (type === null) return;
    if (OPENER_TYPES.has(type)) {
      stack.push({ index: i, type });
    } else if (type === 'else') {
      const top = stack.at(-1);
      if (!top || top.type !== 'if') {
        errors.push({
          field: `actions[${i}]`,
          message: top ? `else inside a ${top.type} block (actions[${top.index}]) has no open if` : 'else without an open if',
        });
      } else if (elseOf.has(top.index)) {
        errors.push({
          field: `actions[${i}]`,
          message: `second else for the if at actions[${top.index}] (first else at actions[${elseOf.get(top.index)}])`,
        });
      } else {
        elseOf.set(top.index, i);
      }
    } else if (type === 'end') {
      const top = stack.pop();
      if (!top) {
        errors.push({ field: `actions[${i}]`, message: 'end without an open block' });
        return;
      }
      endOf.set(top.index, i);
      openerOf.set(i, top.index);
      const elseIndex = elseOf.get(top.index);
      if (elseIndex !== undefined) endOfElse.set(elseIndex, i);
    }
  });

  for (const open of stack) {
    errors.push({ field: `actions[${open.index}]`, message: `${open.type} block is never closed (missing end)` });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => fieldIndex(a.field) - fieldIndex(b.field));
    return { ok: false, errors };
  }
  return { ok: true, tables: { endOf, elseOf, endOfElse, openerOf } };
}

function fieldIndex(field: string): number {
  return Number(/\[(\d+)\]/.exec(field)?.[1] ?? 0);
}

/**
 * For each action, whether it sits inside a `foreach` block (at any depth). Best effort on a
 * broken structure (unmatched `end`s are ignored), so other checks can still run.
 */
export function foreachMembership(actions: ReadonlyArray<TypedAction | null | undefined>): boolean[] {
  const stack: CanonicalActionType[] = [];
  let foreachDepth = 0;
  return actions.map((action) => {
    const type = typeOf(action);
    const inside = foreachDepth > 0;
    if (type !== null && OPENER_TYPES.has(type)) {
      stack.push(type);
      if (type === 'foreach') foreachDepth++;
    } else if (type === 'end') {
      const closed = stack.pop();
      if (closed === 'foreach') foreachDepth--;
    }
    return inside;
  });
}
