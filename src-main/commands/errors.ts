/** Bad usage: wrong or missing options. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command ran and found problems (a failed test, invalid input). Exit code 1. */
export class ProblemsFound extends Error {
  override readonly name = 'ProblemsFound';
}

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;
