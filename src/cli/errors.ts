/**
 * Errors that the CLI prints for a person and exits with: 2 for usage (bad
 * flags, arguments or config), 1 for failures, 130 when stopped by Ctrl-C.
 * (141, with nothing printed, when stdout's reader went away: see io.ts.)
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 130 = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A usage error: the command line or the config is wrong, nothing was done. */
export function usageError(message: string): CliError {
  return new CliError(message, 2);
}
