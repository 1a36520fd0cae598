/** `pushtune trial …`: list an experiment's trials, describe one, read its logs. */
import type { Command } from "commander";
import { hyperparameterSpecs } from "../../protocol/analysis/flat-hparams.js";
import { nextPageAfter } from "../../protocol/api/paging.js";
import type { LogLineSchema } from "../../protocol/api/resources.js";
import { isEnded } from "../../protocol/api/run-states.js";
import type { MasterClient } from "../client.js";
import type { GlobalFlags } from "../connection.js";
import { type CommandContext, parseId, parsePositiveInt } from "../context.js";
import { usageError } from "../errors.js";
import { asExperimentConfig, lengthUnit } from "../experiment-config.js";
import { type ComparedTrial, compareRows, compareTable } from "../format/trial-compare.js";
import { describeTrial, sortTrials, trialTable } from "../format/trials.js";
import { trialsCsv } from "../format/trials-csv.js";

const PAGE = 1000;
const PAGE_METRICS = 10_000;
/**
 * How long one logs long-poll waits for new lines before the trial's state is
 * checked again: a trial's end wakes no log poll, so this bounds how late
 * `logs --follow` notices it.
 */
const LOG_WAIT_SECONDS = 3;

type Flags<T> = T & GlobalFlags;
const flagsOf = <T>(cmd: Command) => cmd.optsWithGlobals<Flags<T>>();

export function trialCommand(program: Command, ctx: CommandContext): void {
  const trial = program.command("trial").alias("t").description("inspect trials and their logs");

  trial
    .command("list")
    .alias("ls")
    .description("list an experiment's trials, best first")
    .argument("<experiment>", "experiment id")
    .option(
      "--sort <key>",
      "the searcher metric (best value first, the default), latest, id, state, length or restarts",
    )
    .option("--json", "print the trials as JSON, in the same order")
    .option(
      "--csv",
      "print the trials as CSV, in the same order: metric, length, times and a column per hyperparameter",
    )
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      const flags = flagsOf<{ sort?: string; json?: boolean; csv?: boolean }>(cmd);
      if (flags.json && flags.csv) throw usageError("--json and --csv do not go together");
      const client = await ctx.connect(flags);
      const e = await client.experiment(id);
      const metric = { name: e.metric, smallerIsBetter: e.smallerIsBetter };
      const trials = sortTrials((await client.trials(id)).trials, metric, flags.sort);
      if (flags.json) return ctx.printJson({ trials });
      const specs = hyperparameterSpecs(e.config);
      if (flags.csv) return ctx.io.out(trialsCsv(trials, e.metric, specs));
      if (trials.length === 0) return ctx.print(`experiment ${id} has no trials yet`);
      ctx.print(trialTable(trials, metric, specs, ctx.io.columns(), ctx.style));
    });

  trial
    .command("describe")
    .description("show a trial: hyperparameters, metrics, operations and runs")
    .argument("<id>", "trial id")
    .option("--json", "print the trial as JSON")
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("trial", idText);
      const flags = flagsOf<{ json?: boolean }>(cmd);
      const client = await ctx.connect(flags);
      const t = await client.trial(id);
      if (flags.json) return ctx.printJson(t);
      const e = await client.experiment(t.experimentId);
      const metric = { name: e.metric, smallerIsBetter: e.smallerIsBetter };
      const config = asExperimentConfig(e.config);
      const specs = hyperparameterSpecs(config);
      ctx.print(describeTrial(t, metric, lengthUnit(config), specs, ctx.io.columns(), ctx.style));
    });

  trial
    .command("compare")
    .description("show trials side by side: hyperparameters (≠ where they differ) and best metrics")
    .argument("<ids...>", "two or more trial ids")
    .option(
      "--json",
      "print the trials, their metrics at their best validation and the differing hyperparameters as JSON",
    )
    .action(async (idTexts: string[], _o, cmd: Command) => {
      const ids = idTexts.map((t) => parseId("trial", t));
      if (ids.length < 2) throw usageError("compare needs at least two trial ids");
      const flags = flagsOf<{ json?: boolean }>(cmd);
      const client = await ctx.connect(flags);
      const compared = await loadCompared(client, ids);
      const rows = compareRows(compared);
      if (flags.json)
        return ctx.printJson({
          trials: compared.map((c) => ({ ...c.trial, metric: c.metric, atBest: c.atBest })),
          differing: rows.filter((r) => r.differs).map((r) => r.field),
        });
      ctx.print(compareTable(compared, ctx.io.columns(), ctx.style));
    });

  trial
    .command("logs")
    .description("print a trial's output (stdout and stderr, in order)")
    .argument("<id>", "trial id")
    .option("-f, --follow", "keep printing new lines until the trial ends")
    .option("--tail <n>", "only the last n lines", parsePositiveInt("--tail"))
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("trial", idText);
      const flags = flagsOf<{ follow?: boolean; tail?: number }>(cmd);
      if (flags.tail !== undefined && flags.tail > 10_000)
        throw usageError(`--tail must be at most 10000, got ${flags.tail}`);
      const client = await ctx.connect(flags);
      ctx.exitCode = await printLogs(ctx, client, id, flags);
    });
}

async function printLogs(
  ctx: CommandContext,
  client: MasterClient,
  id: number,
  flags: { follow?: boolean; tail?: number },
): Promise<number> {
  const print = (lines: LogLineSchema[]) => {
    if (lines.length > 0) ctx.io.out(`${lines.map(logText).join("\n")}\n`);
  };
  /** Prints every line after `from` there is now; the cursor after the last. */
  const printAll = async (from: number) => {
    for (;;) {
      const page = await client.logs(id, { after: from, limit: PAGE });
      print(page.logs);
      from = page.next ?? from;
      if (page.logs.length < PAGE && !page.truncated) return from;
    }
  };
  let after = 0;
  if (flags.tail !== undefined) {
    const page = await client.logs(id, { tail: flags.tail, limit: flags.tail });
    print(page.logs);
    after = page.next ?? 0;
  } else {
    after = await printAll(after);
  }
  if (!flags.follow) return 0;
  const stop = new AbortController();
  const dispose = ctx.io.onInterrupt(() => stop.abort());
  const guard = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      if (stop.signal.aborted) return null;
      throw err;
    });
  try {
    let checkState = true;
    while (!stop.signal.aborted) {
      if (checkState) {
        // Stop once the trial has ended and its last lines are out.
        const t = await guard(client.trial(id, stop.signal));
        if (t && isEnded(t.state) && !t.running) {
          await printAll(after);
          return 0;
        }
      }
      const page = await guard(
        client.logs(id, { after, limit: PAGE, waitSeconds: LOG_WAIT_SECONDS }, stop.signal),
      );
      if (!page) break;
      print(page.logs);
      after = page.next ?? after;
      checkState = page.logs.length === 0;
    }
    return 130;
  } finally {
    dispose();
  }
}

/** A trial's own lines as they were written; the master's notes about the trial are marked. */
function logText(l: LogLineSchema): string {
  return l.stream === "master" ? `[master] ${l.line}` : l.line;
}

/** Each trial with its experiment's metric and every validation metric of its best report. */
async function loadCompared(client: MasterClient, ids: number[]): Promise<ComparedTrial[]> {
  const trials = await Promise.all(ids.map((id) => client.trial(id)));
  const experiments = new Map(
    await Promise.all(
      [...new Set(trials.map((t) => t.experimentId))].map(
        async (id) => [id, await client.experiment(id)] as const,
      ),
    ),
  );
  return Promise.all(
    trials.map(async (trial) => {
      const e = experiments.get(trial.experimentId)!;
      let atBest: Record<string, number> = {};
      let best: number | null = null;
      for (let after: number | null = 0; after !== null; ) {
        const page = await client.metrics(trial.id, { group: "validation", after });
        for (const row of page.metrics) {
          const v = row.metrics[e.metric];
          if (v === undefined) continue;
          if (best === null || (e.smallerIsBetter ? v < best : v > best)) {
            best = v;
            atBest = row.metrics;
          }
        }
        after = nextPageAfter(page, page.metrics.length, PAGE_METRICS);
      }
      return {
        trial,
        specs: hyperparameterSpecs(e.config),
        metric: e.metric,
        smallerIsBetter: e.smallerIsBetter,
        atBest,
      };
    }),
  );
}
