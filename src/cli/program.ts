/** The `pushtune` command's program: every subcommand, and the exit-status rules. */
import { Command, CommanderError } from "commander";
import { masterCommand } from "./commands/master.js";
import { previewCommand } from "./commands/preview.js";
import { CliError } from "./errors.js";

export function buildProgram(): Command {
  const program = new Command()
    .name("pushtune")
    .description("train and tune machine-learning models")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  masterCommand(program);
  previewCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliError) {
      process.stderr.write(`pushtune: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`pushtune: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}
