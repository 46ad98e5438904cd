import type { z } from 'zod';
import { ApiError } from './errors';

export interface ParamProblem {
  /** Dotted path to the offending value, e.g. `auth.username`; empty for the whole object. */
  path: string;
  message: string;
}

/** Turns zod's issues into problems a person can read and act on. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): ParamProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys
        .map((k) => `"${k}"`)
        .join(', ')}: remove ${issue.keys.length === 1 ? 'it' : 'them'}`;
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue) {
      message = `${issue.message} (check "${String(issue.discriminator)}")`;
    }
    return { path, message };
  });
}

/** Parses `value` with `schema`, or throws a BAD_PARAMS ApiError that names every problem. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error.issues);
  const summary = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw new ApiError('BAD_PARAMS', `Invalid params for ${what}: ${summary}`, { problems });
}
