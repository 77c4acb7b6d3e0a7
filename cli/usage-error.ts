/** A command line that cannot be carried out as written (exit code 2, like a bad scenario file). */
export class UsageError extends Error {}

/** Run a parser of one argument, turning its complaint into a UsageError. */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
