/**
 * How an allocation's end is read (DESIGN §6), in one transaction: the exit
 * is classified, the allocation closed with its reason, and the trial
 * completed, closed after its reported early exit, requeued, restarted or
 * ended in ERROR. The
 * supervisor calls it once the allocation's timers and logs are settled.
 */
import { earlyExitReason, reportedEarlyExit } from "../../protocol/api/last-failure.js";
import { plural } from "../../protocol/counts.js";
import {
  CLUSTER_UNREACHABLE,
  classifyExit,
  decideAfterExit,
  endedTrialState,
} from "../domain/index.js";
import type { ExitInfo } from "../launcher/launcher.js";
import type { AllocationRow, ExperimentRow, Store, TrialRow } from "../storage/store.js";
import { isRunStartLine } from "./allocation-start.js";
import type { MasterContext } from "./context.js";
import type { Effects } from "./effects.js";
import { opKey } from "./effects.js";

const LIVE_TRIAL = new Set(["ACTIVE", "PAUSED"]);

/**
 * Reads the end of live allocation `a`; `killRequested`: the master stopped it
 * on purpose. Resolves with its experiment, or null when its end was read
 * already.
 */
export async function settleExit(
  ctx: MasterContext,
  a: AllocationRow,
  info: ExitInfo,
  killRequested: boolean,
): Promise<ExperimentRow | null> {
  let settled: ExperimentRow | null = null;
  await ctx.transact(a.experimentId, async (tx, exp, effects) => {
    // Read twice (a restarted master's recovery, and the process's own end): settled once.
    // The row as it stands now: an ack or a stop may have come since `a` was read.
    const current = await tx.getAllocation(a.id);
    if (!current || current.state === "TERMINATED") return;
    const trial = (await tx.getTrial(a.trialId))!;
    const next = await tx.getNextTrialOp(trial.id);
    const kind = classifyExit({
      exitCode: info.exitCode,
      signal: info.signal,
      preemptAcked: current.preemptAcked || (current.preemptRequested && info.exitCode === 0),
      killRequested,
      lostByInfrastructure: info.lost || info.endedByCluster !== undefined,
      opsRemaining: next !== null,
      closeRequested: trial.closeRequested,
      earlyExitReported: reportedEarlyExit(trial.endReason),
    });
    const reason = describeExit(kind, info);
    await tx.updateAllocation(a.id, {
      state: "TERMINATED",
      exitCode: info.exitCode,
      exitReason: reason,
      endedAt: ctx.now(),
    });
    settled = exp;
    effects.schedule = true;
    effects.finishCheck.add(exp.id);
    if (!LIVE_TRIAL.has(trial.state)) return;
    const stopping =
      exp.state.startsWith("STOPPING") || exp.state === "CANCELED" || exp.state === "COMPLETED";
    // A trial done before the stop (all its work, or an early exit the searcher took) ends
    // as it is; the experiment's end settles the others.
    if (stopping && kind !== "completed" && kind !== "exitedEarly") return;
    const decision = decideAfterExit(kind, {
      restarts: trial.restarts,
      maxRestarts: exp.config.max_restarts,
    });
    switch (decision.action) {
      case "complete":
        await closeTrial(ctx, tx, exp, trial, "close", null, effects);
        break;
      case "exitedEarly": {
        // The searcher heard trialExitedEarly when the trial reported it.
        const errored = trial.endReason === earlyExitReason("ERRORED");
        await closeTrial(
          ctx,
          tx,
          exp,
          trial,
          errored ? "errored" : "close",
          trial.endReason,
          effects,
        );
        break;
      }
      case "restart":
        await tx.updateTrial(trial.id, {
          restarts: trial.restarts + (decision.countsRestart ? 1 : 0),
        });
        break;
      case "error": {
        // The failing run's own last lines: earlier runs' would repeat the same failure.
        const tail = await tx.listLogs({ trialId: trial.id, limit: 20, tail: 20 });
        const lines = tail
          .filter((l) => l.allocationId === a.id && !isRunStartLine(l))
          .map((l) => cutLine(l.line))
          .join("\n");
        const why = `${reason}; failed ${plural(trial.restarts + 1, "time", "times")} (max_restarts ${exp.config.max_restarts})${lines ? `; last log lines:\n${lines}` : ""}`;
        await tx.updateTrial(trial.id, { restarts: trial.restarts + 1 });
        await ctx.driver.apply(
          tx,
          exp,
          { type: "trialExitedEarly", requestId: trial.requestId, reason: "ERRORED" },
          effects,
        );
        await closeTrial(ctx, tx, exp, trial, "errored", why, effects);
        break;
      }
      case "reschedule":
      case "stop":
        break;
    }
  });
  return settled;
}

/** Ends a trial and tells the searcher, in the caller's transaction. */
export async function closeTrial(
  ctx: MasterContext,
  tx: Store,
  exp: ExperimentRow,
  trial: TrialRow,
  how: "close" | "errored",
  reason: string | null,
  effects: Effects,
): Promise<void> {
  const state = endedTrialState(trial.state, how);
  await tx.updateTrial(trial.id, { state, endedAt: ctx.now(), endReason: reason });
  effects.notify(opKey(trial.id));
  await ctx.driver.apply(tx, exp, { type: "trialClosed", requestId: trial.requestId }, effects);
}

/** Longest log line an end reason quotes whole: a line may be 64 KiB (a tensor printed whole). */
const QUOTED_LINE_CHARS = 500;

function cutLine(line: string): string {
  if (line.length <= QUOTED_LINE_CHARS) return line;
  // Not between the two halves of a surrogate pair.
  const high = line.charCodeAt(QUOTED_LINE_CHARS - 1);
  const end = high >= 0xd800 && high <= 0xdbff ? QUOTED_LINE_CHARS - 1 : QUOTED_LINE_CHARS;
  return `${line.slice(0, end)}… (${line.length} characters)`;
}

function describeExit(kind: string, info: ExitInfo): string {
  const how = info.askedForNext
    ? "its process asked for the next trial"
    : info.endedByCluster !== undefined
      ? `ended by the cluster: ${info.endedByCluster}`
      : info.unreachable
        ? CLUSTER_UNREACHABLE
        : info.notStarted !== undefined
          ? `could not start: ${info.notStarted}`
          : info.lost
            ? "its process could not be reached or found; the trial's logs say why"
            : info.signal
              ? `killed by ${info.signal}`
              : `exit code ${info.exitCode}`;
  return `${kind} (${how})`;
}
