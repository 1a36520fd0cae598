/**
 * `experiment follow` and `experiment create --follow`: polls the experiment
 * and its trials until it ends, drawing a live frame on a terminal or
 * printing a line whenever the summary changes (and every 30 s) otherwise.
 * Ctrl-C stops following, never the experiment.
 */
import { rereadGapMs } from "../../protocol/api/paging.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { isEnded } from "../../protocol/api/run-states.js";
import { localCheckpointPath, pickCheckpoint } from "../checkpoint-location.js";
import { ApiFailure, type MasterClient } from "../client.js";
import type { CommandContext } from "../context.js";
import { CliError } from "../errors.js";
import { asExperimentConfig } from "../experiment-config.js";
import { sleep } from "../io.js";
import { LiveRegion } from "./live-region.js";
import {
  bestTrial,
  type CheckpointLocation,
  type FollowSnapshot,
  finalSummary,
  followFrame,
  followLine,
} from "./render.js";

export interface FollowOptions {
  /** Milliseconds between polls. */
  intervalMs: number;
}

/** Plain lines repeat at least this often, so a log shows the follower is alive. */
const HEARTBEAT_MS = 30_000;
/** Consecutive failed polls (master restarting, network blip) tolerated before giving up. */
const MAX_FAILURES = 10;

/** Follows until the experiment ends; the exit status is 0 for COMPLETED, 1 otherwise, 130 on Ctrl-C. */
export async function followExperiment(
  ctx: CommandContext,
  client: MasterClient,
  id: number,
  options: FollowOptions,
): Promise<number> {
  const { io } = ctx;
  const stop = new AbortController();
  const dispose = io.onInterrupt(() => stop.abort());
  const live = io.isTTY ? new LiveRegion(io.out, () => io.columns()) : null;
  let lastLine = "";
  let lastPrinted = 0;
  let failures = 0;
  try {
    for (;;) {
      let snapshot: FollowSnapshot;
      let bytes: number;
      try {
        ({ snapshot, bytes } = await poll(client, id, stop.signal));
        failures = 0;
      } catch (err) {
        if (stop.signal.aborted) break;
        if (err instanceof ApiFailure || ++failures >= MAX_FAILURES) throw err;
        await sleep(options.intervalMs, stop.signal);
        continue;
      }
      if (live) {
        live.draw(followFrame(snapshot, { width: io.columns(), style: ctx.style }));
      } else {
        const line = followLine(snapshot);
        if (line !== lastLine || io.now() - lastPrinted >= HEARTBEAT_MS) {
          io.out(`${line}\n`);
          lastLine = line;
          lastPrinted = io.now();
        }
      }
      if (isEnded(snapshot.experiment.state)) {
        live?.done();
        const checkpoint = await bestCheckpoint(ctx, client, snapshot);
        io.out(`${finalSummary(snapshot, checkpoint, ctx.style).join("\n")}\n`);
        return snapshot.experiment.state === "COMPLETED" ? 0 : 1;
      }
      // A big experiment's trials are many MB: read them less often.
      await sleep(rereadGapMs(bytes, options.intervalMs), stop.signal);
      if (stop.signal.aborted) break;
    }
    live?.done();
    io.err(
      `stopped following; experiment ${id} keeps running (pushtune experiment follow ${id})\n`,
    );
    return 130;
  } finally {
    live?.done();
    dispose();
  }
}

async function poll(
  client: MasterClient,
  id: number,
  signal: AbortSignal,
): Promise<{ snapshot: FollowSnapshot; bytes: number }> {
  const [experiment, { trials, bytes }] = await Promise.all([
    client.experiment(id, signal),
    client.trials(id, signal),
  ]);
  return { snapshot: { experiment, trials, config: asExperimentConfig(experiment.config) }, bytes };
}

/** Where the best trial's checkpoint is: a local path when the CLI can tell, else its uuid. */
async function bestCheckpoint(
  ctx: CommandContext,
  client: MasterClient,
  snapshot: FollowSnapshot,
): Promise<CheckpointLocation | null> {
  const best = bestTrial(snapshot.trials, snapshot.experiment.smallerIsBetter);
  if (!best) return null;
  const uuid = await bestCheckpointUuid(client, best, snapshot.experiment.smallerIsBetter);
  if (!uuid) return null;
  const path = await localCheckpointPath(uuid, snapshot.config, client.url, ctx.io.env);
  return { uuid, path };
}

async function bestCheckpointUuid(
  client: MasterClient,
  trial: TrialSummary,
  smallerIsBetter: boolean,
): Promise<string | null> {
  try {
    const { checkpoints } = await client.trialCheckpoints(trial.id);
    return pickCheckpoint(checkpoints, smallerIsBetter)?.uuid ?? trial.latestCheckpoint;
  } catch (err) {
    if (err instanceof CliError) return trial.latestCheckpoint;
    throw err;
  }
}
