/** `pushtune experiment …`: create, list, describe, pause, activate, cancel, kill, delete, wait, follow. */
import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { ExperimentDetail } from "../../protocol/api/resources.js";
import { isEnded, NOT_ENDED_STATES } from "../../protocol/api/run-states.js";
import type { ExperimentAction, MasterClient } from "../client.js";
import { readConfigFile } from "../config-file.js";
import type { GlobalFlags } from "../connection.js";
import { type CommandContext, parseId, parseSeconds } from "../context.js";
import { usageError } from "../errors.js";
import { loadSummary, summaryJson } from "../experiment-summary.js";
import { describeSummary } from "../format/experiment-summary.js";
import { describeExperiment, experimentTable } from "../format/experiments.js";
import { printable } from "../format/printable.js";
import { styleState } from "../format/style.js";
import { sortTrials, trialTable } from "../format/trials.js";
import { sleep } from "../io.js";

const DEFAULT_INTERVAL_SECONDS = 2;

interface JsonFlag {
  json?: boolean;
}

type Flags<T> = T & GlobalFlags;

const flagsOf = <T>(cmd: Command) => cmd.optsWithGlobals<Flags<T>>();

export function experimentCommand(program: Command, ctx: CommandContext): void {
  const exp = program
    .command("experiment")
    .alias("e")
    .description("create, list, inspect and control experiments");

  exp
    .command("create")
    .description("create an experiment from a config file and start its search")
    .argument("<config>", "experiment config (YAML)")
    .argument("[workdir]", "directory the trials run in (default: the config file's folder)")
    .option("--name <name>", "name of the experiment (default: the config's)")
    .addOption(followOption())
    .addOption(intervalOption())
    .option("--json", "print the created experiment as JSON")
    .action(async (path: string, workdir: string | undefined, _o, cmd: Command) => {
      const flags = flagsOf<{ name?: string } & FollowFlags & JsonFlag>(cmd);
      checkFollowFlags(flags);
      const { text } = await readConfigFile(resolve(ctx.io.cwd(), path));
      const client = await ctx.connect(flags);
      const created = await client.createExperiment({
        configYaml: text,
        workdir: resolve(ctx.io.cwd(), workdir ?? dirname(path)),
        ...(flags.name ? { name: flags.name } : {}),
      });
      if (flags.json) return ctx.printJson(created);
      ctx.print(
        `created experiment ${created.id} (${printable(created.name)}): ${created.searcher} on ${printable(created.metric)}`,
      );
      if (!flags.follow) {
        ctx.print(`follow it with: pushtune experiment follow ${created.id}`);
        return;
      }
      ctx.exitCode = await follow(ctx, client, created.id, flags.interval);
    });

  exp
    .command("list")
    .alias("ls")
    .description("list experiments that have not ended (all of them with --all)")
    .option("-a, --all", "include ended experiments")
    .option("--json", "print the list as JSON")
    .action(async (_o, cmd: Command) => {
      const flags = flagsOf<{ all?: boolean } & JsonFlag>(cmd);
      const client = await ctx.connect(flags);
      const { experiments } = await client.listExperiments(
        flags.all ? undefined : [...NOT_ENDED_STATES],
      );
      experiments.sort((a, b) => a.id - b.id);
      if (flags.json) return ctx.printJson({ experiments });
      if (experiments.length === 0) {
        ctx.print(
          flags.all
            ? "no experiments yet; create one with: pushtune experiment create CONFIG"
            : "no experiments running (pushtune experiment list --all shows ended ones)",
        );
        return;
      }
      ctx.print(experimentTable(experiments, ctx.io.columns(), ctx.style));
    });

  exp
    .command("describe")
    .description(
      "show an experiment: state, progress, best trial, rungs, optimization history and its trials",
    )
    .argument("<id>", "experiment id")
    .option(
      "--json",
      "print the experiment as JSON, with bestTrial, rungs and optimizationHistory added",
    )
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      const flags = flagsOf<JsonFlag>(cmd);
      const client = await ctx.connect(flags);
      const e = await client.experiment(id);
      const summary = await loadSummary(client, e);
      if (flags.json) return ctx.printJson({ ...e, ...summaryJson(summary) });
      const { trials } = summary;
      const metric = { name: e.metric, smallerIsBetter: e.smallerIsBetter };
      const lines = describeExperiment(e, ctx.style);
      lines.push(...describeSummary(summary, e.metric, ctx.io.columns(), ctx.style));
      if (trials.length > 0) {
        lines.push("");
        const sorted = sortTrials(trials, metric);
        lines.push(...trialTable(sorted, metric, summary.specs, ctx.io.columns(), ctx.style));
      }
      ctx.print(lines);
    });

  const actions: [ExperimentAction, string][] = [
    ["pause", "pause an experiment: running trials checkpoint and stop"],
    ["activate", "resume a paused experiment"],
    ["cancel", "stop an experiment for good: running trials checkpoint and stop"],
    ["kill", "stop an experiment at once: trial processes are killed"],
  ];
  for (const [action, description] of actions) {
    exp
      .command(action)
      .description(description)
      .argument("<id>", "experiment id")
      .option("--json", "print the experiment as JSON")
      .action(async (idText: string, _o, cmd: Command) => {
        const id = parseId("experiment", idText);
        const flags = flagsOf<JsonFlag>(cmd);
        const e = await (await ctx.connect(flags)).act(id, action);
        if (flags.json) return ctx.printJson(e);
        ctx.print(`experiment ${e.id} is ${styleState(ctx.style, e.state)}`);
      });
  }

  exp
    .command("delete")
    .description("delete an ended experiment, its trials, metrics and checkpoints")
    .argument("<id>", "experiment id")
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      await (await ctx.connect(flagsOf(cmd))).deleteExperiment(id);
      ctx.print(`deleted experiment ${id}`);
    });

  exp
    .command("wait")
    .description("wait until an experiment ends; exit 0 if it completed, 1 otherwise")
    .argument("<id>", "experiment id")
    .option("--interval <seconds>", "seconds between checks", parseSeconds("--interval"))
    .option("--json", "print the ended experiment as JSON")
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      const flags = flagsOf<{ interval?: number } & JsonFlag>(cmd);
      const client = await ctx.connect(flags);
      const ended = await waitForEnd(ctx, (signal) => client.experiment(id, signal), {
        intervalMs: (flags.interval ?? DEFAULT_INTERVAL_SECONDS) * 1000,
      });
      if (!ended) {
        ctx.io.err(`stopped waiting; experiment ${id} keeps running\n`);
        ctx.exitCode = 130;
        return;
      }
      if (flags.json) ctx.printJson(ended);
      else ctx.print(`experiment ${id} ${styleState(ctx.style, ended.state)}`);
      ctx.exitCode = ended.state === "COMPLETED" ? 0 : 1;
    });

  exp
    .command("follow")
    .description(
      "show live progress until the experiment ends; exit 0 if it completed, 1 otherwise " +
        "(Ctrl-C stops following, not the experiment)",
    )
    .argument("<id>", "experiment id")
    .option("--interval <seconds>", "seconds between updates", parseSeconds("--interval"))
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      const flags = flagsOf<{ interval?: number }>(cmd);
      const client = await ctx.connect(flags);
      ctx.exitCode = await follow(ctx, client, id, flags.interval);
    });
}

/** `--follow` and `--interval` of a command that creates an experiment. */
export interface FollowFlags {
  follow?: boolean;
  interval?: number;
  json?: boolean;
}

export const followOption = () => new Option("-f, --follow", "follow its progress until it ends");
export const intervalOption = () =>
  new Option("--interval <seconds>", "seconds between updates with --follow").argParser(
    parseSeconds("--interval"),
  );

export function checkFollowFlags(flags: FollowFlags): void {
  if (flags.json && flags.follow) throw usageError("--json and --follow do not go together");
  if (flags.interval !== undefined && !flags.follow)
    throw usageError("--interval is the time between updates of --follow: give both or neither");
}

/**
 * `experiment follow`'s live view, every `intervalSeconds`; its exit status.
 * Its renderer (and progress bars) load for the commands that follow, not at
 * every start of the CLI.
 */
export async function follow(
  ctx: CommandContext,
  client: MasterClient,
  id: number,
  intervalSeconds = DEFAULT_INTERVAL_SECONDS,
): Promise<number> {
  const { followExperiment } = await import("../follow/follow.js");
  return followExperiment(ctx, client, id, { intervalMs: intervalSeconds * 1000 });
}

/** Polls until the experiment has ended; null when Ctrl-C came first. */
async function waitForEnd(
  ctx: CommandContext,
  get: (signal: AbortSignal) => Promise<ExperimentDetail>,
  options: { intervalMs: number },
): Promise<ExperimentDetail | null> {
  const stop = new AbortController();
  const dispose = ctx.io.onInterrupt(() => stop.abort());
  try {
    while (!stop.signal.aborted) {
      let e: ExperimentDetail;
      try {
        e = await get(stop.signal);
      } catch (err) {
        if (stop.signal.aborted) break;
        throw err;
      }
      if (isEnded(e.state)) return e;
      await sleep(options.intervalMs, stop.signal);
    }
    return null;
  } finally {
    dispose();
  }
}
