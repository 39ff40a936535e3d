// Input rules shared by the services. Every service validates its arguments
// here before any SQL runs, so a caller's mistake becomes a ValidationError
// naming the field and the rule, never a database error.
import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Counts characters as PostgreSQL's char_length does: code points, not UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) count++;
  return count;
}

// PostgreSQL cannot store U+0000 in text or jsonb, and a lone surrogate would
// be replaced on the way in: refuse both rather than change what was sent.
function storableText(text: string, ctx: z.core.$RefinementCtx<string>): void {
  if (text.includes('\u0000')) {
    ctx.addIssue({ code: 'custom', message: 'must not contain the NUL character (U+0000)' });
  } else if (!text.isWellFormed()) {
    ctx.addIssue({ code: 'custom', message: 'must be well-formed Unicode (no lone surrogates)' });
  }
}

export function text(options: { min?: number; max: number; trim?: boolean }): z.ZodType<string> {
  const { min = 0, max, trim = false } = options;
  const base = trim ? z.string().trim() : z.string();
  return base.superRefine((value, ctx) => {
    storableText(value, ctx);
    const length = characterCount(value);
    if (length < min) {
      ctx.addIssue({
        code: 'custom',
        message: min === 1 ? 'must not be empty' : `must be at least ${min} characters`,
      });
    } else if (length > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${max} characters (got ${length})`,
      });
    }
  });
}

export const id = z.guid({ error: 'must be a UUID such as 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0' });

export function limit(defaultValue: number, max: number): z.ZodDefault<z.ZodInt> {
  return z
    .int({ error: 'must be a whole number' })
    .min(1, { error: `must be between 1 and ${max}` })
    .max(max, { error: `must be between 1 and ${max}` })
    .default(defaultValue);
}

/** Parses `input` or throws a ValidationError listing every problem with its field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, root?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field:
        [root, ...issue.path.map(String)].filter((part) => part !== undefined).join('.') || 'input',
      message: issue.message,
    })),
  );
}
