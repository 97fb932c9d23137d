/**
 * Checks input for a PRM object against the generated validators, reporting every problem by field
 * in words a partner can act on. Nothing is changed by a failed check.
 */
import type { z } from 'zod';
import { inputValidators } from '../generated/validators.ts';
import { ValidationError, type FieldProblem } from '../errors.ts';

export type ObjectName = keyof typeof inputValidators;

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
}

/** zod's issues as field problems; a missing value is reported as required. */
export function problemsOf(error: z.ZodError, input: unknown): FieldProblem[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(record)';
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(', '), message: 'is not a field of this record' };
    }
    // zod reports a missing value as a wrong type; say plainly that it is required.
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined)
      return { field, message: 'is required' };
    return { field, message: issue.message };
  });
}

/** Validates a new record (`create`) or the changed fields of one (`update`); throws ValidationError. */
export function validateInput<Name extends ObjectName>(
  object: Name,
  input: unknown,
  mode: 'create' | 'update' = 'create',
): z.infer<(typeof inputValidators)[Name]> {
  const validator = inputValidators[object];
  const result = mode === 'create' ? validator.safeParse(input) : validator.partial().safeParse(input);
  if (!result.success) throw new ValidationError(problemsOf(result.error, input));
  return result.data as z.infer<(typeof inputValidators)[Name]>;
}
