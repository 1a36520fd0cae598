/** Errors that the CLI prints for a person and exits with: 2 for usage, 1 for failures. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}
