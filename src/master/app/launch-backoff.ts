/**
 * The trials whose last launches could not reach the cluster, and the wait
 * before each may be launched again (`relaunchDelayMs`). Scheduling decides
 * for them as for any waiting trial, so they keep their place and their
 * slots; only their launch waits. When a wait is over a scheduling pass is
 * asked for. The waits live in memory: a restarted master takes them up again
 * from the trials' stored runs (`resume`).
 */
import { relaunchDelayMs, relaunchWait, type StoredRun } from "../domain/index.js";
import type { MasterContext } from "./context.js";

interface Waiting {
  /** Launches in a row that could not reach the cluster. */
  failures: number;
  /** Set while the trial must not be launched. */
  timer: NodeJS.Timeout | null;
}

export class LaunchBackoff {
  private readonly trials = new Map<number, Waiting>();
  private closed = false;

  /** `over`: a wait has ended (a pass should launch that trial). */
  constructor(private readonly over: () => void) {}

  /** The trial's launch could not reach the cluster: it waits longer than the last time. */
  lost(trialId: number): void {
    const failures = (this.trials.get(trialId)?.failures ?? 0) + 1;
    this.wait(trialId, failures, relaunchDelayMs(failures));
  }

  /** A run of the trial started: the next lost launch waits the shortest time again. */
  started(trialId: number): void {
    this.clear(trialId);
  }

  /** Whether the trial must not be launched now. */
  waits(trialId: number): boolean {
    return this.trials.get(trialId)?.timer != null;
  }

  /**
   * Forgets the trials that no longer wait for a launch (ended, paused) and
   * whose wait is over: what they count would only grow the map.
   */
  keepOnly(waitingTrials: ReadonlySet<number>): void {
    for (const [trialId, w] of this.trials)
      if (!w.timer && !waitingTrials.has(trialId)) this.trials.delete(trialId);
  }

  /**
   * After a restart: the trials waiting for slots whose last runs were lost
   * before they started wait what is left of their wait.
   */
  async resume(ctx: MasterContext, waitingTrials: readonly number[]): Promise<void> {
    // Their runs read at once: a restart with thousands of trials waiting makes a few reads, not one each.
    const runs = new Map<number, StoredRun[]>();
    for (const a of await ctx.store.listAllocationsOfTrials(waitingTrials)) {
      const ofTrial = runs.get(a.trialId) ?? [];
      if (ofTrial.length === 0) runs.set(a.trialId, ofTrial);
      ofTrial.push({
        launched: a.launcherHandle !== null,
        exitReason: a.exitReason,
        endedAt: a.endedAt,
      });
    }
    const now = ctx.now();
    for (const [trialId, ofTrial] of runs) {
      const { failures, waitMs } = relaunchWait(ofTrial, now);
      if (failures > 0) this.wait(trialId, failures, waitMs);
    }
  }

  close(): void {
    this.closed = true;
    for (const trialId of [...this.trials.keys()]) this.clear(trialId);
  }

  private wait(trialId: number, failures: number, ms: number): void {
    this.clear(trialId);
    if (this.closed) return;
    const w: Waiting = { failures, timer: null };
    this.trials.set(trialId, w);
    if (ms <= 0) return;
    w.timer = setTimeout(() => {
      w.timer = null;
      this.over();
    }, ms);
    w.timer.unref();
  }

  private clear(trialId: number): void {
    const w = this.trials.get(trialId);
    if (w?.timer) clearTimeout(w.timer);
    this.trials.delete(trialId);
  }
}
