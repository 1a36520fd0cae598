/**
 * How the master asks an allocation to stop, and what it remembers of having
 * asked: a preemption marks the allocation (its operation answer and
 * preemption signal say `preempt: true` from then on), then, if its
 * processes are still there, SIGTERM after the grace period and SIGKILL at
 * the end of the timeout (`preemptionSchedule`). A kill is remembered so the
 * exit it causes is read as one. A process told there is no next trial
 * (its allocation ended, it has not exited) gets the same timers
 * (`stopProcess`). The timers live in memory: a restarted
 * master sets them again for the allocations it adopts that were told to
 * stop, counted from when they were told.
 */
import { type LongTimeout, setLongTimeout } from "../../protocol/timers.js";
import { preemptionSchedule } from "../domain/index.js";
import type { AllocationRow, Store } from "../storage/store.js";
import type { MasterContext } from "./context.js";
import { opKey, preemptKey } from "./effects.js";
import type { LogSink } from "./log-sink.js";

/**
 * Marks an allocation as told to checkpoint and exit (since it was first
 * told, or `now`), and wakes its trial's waits for a preemption and for its
 * operation (`notify`: at once, or after the caller's transaction commits).
 */
export async function markToStop(
  store: Store,
  a: AllocationRow,
  now: Date,
  notify: (key: string) => void,
): Promise<void> {
  await store.updateAllocation(a.id, {
    preemptRequested: true,
    preemptRequestedAt: a.preemptRequestedAt ?? now,
    state: "TERMINATING",
  });
  notify(preemptKey(a.id));
  notify(opKey(a.trialId));
}

export class StopRequests {
  /** The SIGTERM and SIGKILL timers of each allocation told to stop. */
  private readonly timers = new Map<string, LongTimeout[]>();
  private readonly killRequested = new Set<string>();
  /** Allocations told to stop and not seen to end (killed ones are in `killRequested`). */
  private readonly preemptRequested = new Set<string>();
  /** Allocations the master sent SIGTERM: however they end now, the master ended them. */
  private readonly terminated = new Set<string>();
  /** Processes that outlived their allocations: signalled all the same, until seen to exit. */
  private readonly outlived = new Set<string>();
  /** Signals the timers are sending now: a close waits for them (they write log lines). */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly ctx: MasterContext,
    private readonly logs: LogSink,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Allocations it remembers anything of (for tests): none once every one has ended. */
  get size(): number {
    const ids = [this.timers.keys(), this.killRequested, this.preemptRequested, this.terminated];
    return new Set([...ids, this.outlived].flatMap((s) => [...s])).size;
  }

  /**
   * Tells an allocation to checkpoint and exit; SIGTERM after the grace
   * period, SIGKILL at the end of `timeoutSeconds`, if it is still running.
   * `since`: it was told at that time (by a master before a restart); the
   * schedule counts from then, and a SIGTERM whose time has passed was sent.
   */
  async preempt(
    listed: Pick<AllocationRow, "id">,
    timeoutSeconds: number,
    since?: Date,
  ): Promise<void> {
    // Noted before the read below, so that a start in between still sees it.
    this.preemptRequested.add(listed.id);
    // Read again: the listed row may be older than an end since (a process that asked for its
    // next trial), and a scheduling pass lists only what it decides on.
    const a = await this.ctx.store.getAllocation(listed.id);
    if (!a || a.state === "TERMINATED") {
      this.preemptRequested.delete(listed.id);
      return;
    }
    // Marked already (by a pause's or cancel's transaction), it may have been started since.
    if (!a.preemptRequested || a.state !== "TERMINATING")
      await markToStop(this.ctx.store, a, this.ctx.now(), (key) => this.ctx.notifier.notify(key));
    this.setTimers(a, timeoutSeconds, since);
  }

  /**
   * The process of ended allocation `a` was told there is no next trial (at
   * `since`, or told to stop then): if it has not exited, SIGTERM after the
   * grace period and SIGKILL at the end of `timeoutSeconds`, as a preempted
   * allocation's, until it is seen to exit (`ended`).
   */
  stopProcess(a: AllocationRow, timeoutSeconds: number, since: Date): void {
    this.outlived.add(a.id);
    this.setTimers(a, timeoutSeconds, since);
  }

  private setTimers(a: AllocationRow, timeoutSeconds: number, since?: Date): void {
    if (this.timers.has(a.id)) return;
    const { terminateAfterMs, killAfterMs } = preemptionSchedule(timeoutSeconds);
    const elapsed = since ? Math.max(0, this.ctx.now().getTime() - since.getTime()) : 0;
    const timers = [
      setLongTimeout(
        () => {
          this.timers.delete(a.id);
          this.send(() => this.kill(a));
        },
        Math.max(0, killAfterMs - elapsed),
      ).unref(),
    ];
    if (terminateAfterMs < killAfterMs && elapsed < terminateAfterMs) {
      const seconds = Math.round(terminateAfterMs / 1000);
      timers.push(
        setLongTimeout(() => {
          this.send(() => this.terminate(a, seconds));
        }, terminateAfterMs - elapsed).unref(),
      );
    } else if (since && elapsed >= terminateAfterMs) {
      // The master before a restart sent its SIGTERM (or cancelled a job still queued):
      // however it ends now, the master ended it, as if this one had sent it.
      this.terminated.add(a.id);
    }
    this.timers.set(a.id, timers);
  }

  /** Stops an allocation's processes at once. */
  async kill(a: AllocationRow): Promise<void> {
    const outlived = this.outlived.has(a.id);
    // Killed once is enough: a kill asked for twice (by a kill and by its experiment's end) is sent once.
    if ((a.state === "TERMINATED" && !outlived) || this.killRequested.has(a.id)) return;
    this.killRequested.add(a.id);
    // One that outlived its allocation is killed by its row as it was told to exit.
    const current = outlived ? a : await this.ctx.store.getAllocation(a.id);
    if (!current || (current.state === "TERMINATED" && !outlived)) {
      // It ended meanwhile (or went with its experiment): no exit of it will come to forget this.
      this.killRequested.delete(a.id);
      return;
    }
    try {
      await this.ctx.launcherOf(current)?.kill(a.id, current.launcherHandle);
    } catch (err) {
      this.killRequested.delete(a.id); // not sent: a later kill tries again
      throw err;
    }
  }

  /**
   * What the master asked of the allocation that it has not seen end yet: to
   * be killed, to stop, or nothing. A start reads it once the process is
   * there, as a stop asked while it started found no process to stop.
   */
  requested(allocationId: string): "kill" | "stop" | null {
    if (this.killRequested.has(allocationId)) return "kill";
    return this.preemptRequested.has(allocationId) ? "stop" : null;
  }

  /**
   * The allocation ended: forgets its timers; true when the master had killed
   * it or sent it SIGTERM (a process that does not watch its preemption dies
   * of it, or exits non-zero from a handler: not a failure of its trial).
   */
  ended(allocationId: string): boolean {
    this.clearTimers(allocationId);
    this.preemptRequested.delete(allocationId);
    this.outlived.delete(allocationId);
    const terminated = this.terminated.delete(allocationId);
    return this.killRequested.delete(allocationId) || terminated;
  }

  /**
   * Stops every timer (the master is closing) and resolves once the signals
   * they were sending are sent, and their lines given to the log sink.
   */
  async close(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.clearTimers(id);
    await Promise.all(this.sending);
  }

  private send(signal: () => Promise<void>): void {
    const sent = signal()
      .catch((err) => this.report(err))
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }

  /** SIGTERM for a preempted allocation still running after its grace period. */
  private async terminate(a: AllocationRow, graceSeconds: number): Promise<void> {
    const outlived = this.outlived.has(a.id);
    const current = await this.ctx.store.getAllocation(a.id);
    if (!outlived && (!current || current.state === "TERMINATED")) return;
    // A process that outlived its deleted experiment has no trial to write the line to.
    if (current)
      this.logs.master(
        a.trialId,
        a.id,
        `still running ${graceSeconds} s after it was told to stop: sending SIGTERM`,
      );
    this.terminated.add(a.id);
    try {
      await this.ctx.launcherOf(current ?? a)?.terminate(a.id, (current ?? a).launcherHandle);
    } catch (err) {
      this.terminated.delete(a.id); // not sent
      throw err;
    }
  }

  private clearTimers(allocationId: string): void {
    for (const timer of this.timers.get(allocationId) ?? []) timer.clear();
    this.timers.delete(allocationId);
  }
}
