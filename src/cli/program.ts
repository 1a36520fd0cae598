/** The `pushtune` command's program: every subcommand, and the exit-status rules. */
import { Command, CommanderError } from "commander";
import { checkpointCommand } from "./commands/checkpoint.js";
import { demoCommand } from "./commands/demo.js";
import { experimentCommand } from "./commands/experiment.js";
import { lineageCommands } from "./commands/lineage.js";
import { masterCommand } from "./commands/master.js";
import { previewCommand } from "./commands/preview.js";
import { trialCommand } from "./commands/trial.js";
import { userCommand } from "./commands/user.js";
import { CommandContext } from "./context.js";
import { CliError } from "./errors.js";
import { printableLines } from "./format/printable.js";
import { type Io, processIo } from "./io.js";

export function buildProgram(ctx: CommandContext = new CommandContext(processIo())): Command {
  const program = new Command()
    .name("pushtune")
    .description("train and tune machine-learning models")
    .version("0.1.0")
    .option(
      "--master <url>",
      "the master's URL (default: $PUSHTUNE_MASTER or http://127.0.0.1:8080)",
    )
    .option(
      "--token <token>",
      "API token (default: $PUSHTUNE_TOKEN, the saved login, or a local master's admin token)",
    )
    // Subcommands inherit these: errors throw (main turns them into exit codes), never exit.
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      getOutHelpWidth: () => ctx.io.columns() ?? 80,
      getErrHelpWidth: () => ctx.io.columns() ?? 80,
    });
  masterCommand(program, ctx);
  previewCommand(program, ctx);
  experimentCommand(program, ctx);
  trialCommand(program, ctx);
  lineageCommands(program, ctx);
  checkpointCommand(program, ctx);
  userCommand(program, ctx);
  demoCommand(program, ctx, (argv, env) =>
    main(argv, { ...ctx.io, env: { ...ctx.io.env, ...env } }),
  );
  return program;
}

/**
 * Runs the CLI on `argv` (process.argv form) and returns the exit status:
 * 0 ok, 1 failure, 2 usage error, 130 stopped by Ctrl-C.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const ctx = new CommandContext(io);
  try {
    await buildProgram(ctx).parseAsync(subcommandHelp(argv));
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    // Messages quote what was given (an argument, a file name, the master's words): shown escaped.
    if (err instanceof CliError) {
      io.err(`pushtune: ${printableLines(err.message)}\n`);
      return err.exitCode;
    }
    io.err(`pushtune: ${printableLines((err as Error).message ?? String(err))}\n`);
    return 1;
  }
}

/**
 * `pushtune help experiment pause` as `pushtune experiment help pause`:
 * commander's help command reads one name, and showed the help of
 * `experiment` for it.
 */
function subcommandHelp(argv: string[]): string[] {
  const [node, script, first, name, ...rest] = argv;
  if (first !== "help" || name === undefined || rest.length === 0) return argv;
  return [node!, script!, name, "help", ...rest];
}
