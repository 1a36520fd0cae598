/** `pushtune preview CONFIG`: the search's plan before a slot is spent. */
import type { Command } from "commander";
import { EXPERIMENT_SEED } from "../../protocol/config/sections.js";
import { readConfigFile } from "../config-file.js";
import { type CommandContext, integerOption } from "../context.js";
import { CliError } from "../errors.js";
import { logRangeLines } from "../format/log-ranges.js";

export function previewCommand(program: Command, ctx: CommandContext): void {
  program
    .command("preview")
    .description("simulate a search and show which trials it would train, and how far")
    .argument("<config>", "experiment config (YAML)")
    .option("--json", "print the plan as JSON")
    .option(
      "--seed <n>",
      "seed for sampling hyperparameters, 0 to 4294967295 (default: the config's)",
      integerOption("--seed", EXPERIMENT_SEED),
    )
    .option("--metric <kind>", "synthetic metric: constant or random", "constant")
    .action(async (path: string, opts: { json?: boolean; seed?: number; metric: string }) => {
      if (opts.metric !== "constant" && opts.metric !== "random") {
        throw new CliError(`--metric must be "constant" or "random", got "${opts.metric}"`, 2);
      }
      const { config } = await readConfigFile(path);
      // The searchers load for the command that runs one, not at every start of the CLI.
      const { formatPreview, previewSearch, previewUnavailable } = await import(
        "../../searcher/index.js"
      );
      // Exit 1, not 0: no plan is printed, and a script reading --json must not take it for one.
      const unavailable = previewUnavailable(config);
      if (unavailable !== null) throw new CliError(unavailable, 1);
      const result = previewSearch(config, {
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
        metric: opts.metric,
      });
      if (opts.json)
        ctx.print(JSON.stringify({ trials: result.trials, totalLength: result.totalLength }));
      else ctx.print([...logRangeLines(config), formatPreview(config, result).trimEnd()]);
    });
}
