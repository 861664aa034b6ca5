import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { AckError } from '@parley/shared-types';

export type Validator = (value: unknown) => AckError | null;

/**
 * Compiles a schema once into a checker that answers W3's error ack: `too_long` for an
 * over-long string, `invalid_payload` with the first failing path otherwise.
 */
export function compileValidator(schema: TSchema): Validator {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return null;
    const first = compiled.Errors(value).First();
    const path = first?.path || '/';
    if (first?.type === ValueErrorType.StringMaxLength) {
      return { ok: false, error: 'too_long', details: { path } };
    }
    return { ok: false, error: 'invalid_payload', details: { path, message: first?.message ?? 'invalid' } };
  };
}

export function compileValidators<T extends Record<string, TSchema>>(schemas: T): { [K in keyof T]: Validator } {
  const out = {} as { [K in keyof T]: Validator };
  for (const key of Object.keys(schemas) as (keyof T)[]) out[key] = compileValidator(schemas[key]!);
  return out;
}
