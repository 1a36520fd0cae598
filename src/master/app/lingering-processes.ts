/**
 * Processes that asked for a next trial, got none, and have not exited yet:
 * their allocation has ended, but they hold their slots (of their pool) until
 * they are gone. The answer told them to exit: each gets its experiment's
 * preemption timeout to do so, counted from when it was first told to stop,
 * then SIGTERM and SIGKILL as a preempted trial does (`StopRequests`). Its
 * allocation row is marked `lingering` until it is seen to exit, so that a
 * restarted master finds it again: one its launcher still runs holds its
 * slots and is timed again; one the launcher stopped, or cannot find, is
 * forgotten. The mark outlives the experiment's deletion
 * (`listLingeringAllocations`): such a process is stopped at once.
 */
import type { ExperimentConfig } from "../../protocol/config/types.js";
import type { AllocationRow } from "../storage/store.js";
import type { MasterContext } from "./context.js";
import type { LogSink } from "./log-sink.js";
import type { StopRequests } from "./stop-requests.js";

export class LingeringProcesses {
  private readonly processes = new Map<string, AllocationRow>();

  constructor(
    private readonly ctx: MasterContext,
    private readonly logs: LogSink,
    private readonly stops: StopRequests,
    private readonly timeoutOf: (config: ExperimentConfig) => number,
  ) {}

  get size(): number {
    return this.processes.size;
  }

  /** Slots of `pool` they hold. */
  slotsIn(pool: string): number {
    let slots = 0;
    for (const from of this.processes.values()) if (from.resourcePool === pool) slots += from.slots;
    return slots;
  }

  /**
   * The process of ended allocation `from` is told there is no next trial.
   * Its row is marked before it is answered: a master that restarts after
   * the answer looks for it.
   */
  async add(from: AllocationRow): Promise<void> {
    const since = from.preemptRequestedAt ?? this.ctx.now();
    await this.watch({ ...from, lingering: true, preemptRequestedAt: since });
    await this.ctx.store.updateAllocation(from.id, { lingering: true, preemptRequestedAt: since });
  }

  /** Its process has exited: true when it was one of them (its slots are free now). */
  ended(allocationId: string): boolean {
    return this.processes.delete(allocationId);
  }

  /** Kills at once those of the experiment (killed, or failed): each is sent it once. */
  async kill(experimentId: number): Promise<void> {
    for (const from of this.processes.values())
      if (from.experimentId === experimentId) await this.stops.kill(from);
  }

  /**
   * After a restart: the processes a previous master told to exit that were
   * not seen to. Each is asked of its launcher, which adopts it (it will
   * report its exit) or has stopped it.
   */
  async recover(): Promise<void> {
    for (const a of await this.ctx.store.listLingeringAllocations()) {
      const launcher = this.ctx.launcherOf(a);
      const outcome = launcher ? await launcher.recover(a.id, a.launcherHandle) : "stopped";
      if (outcome === "stopped") await this.ctx.store.updateAllocation(a.id, { lingering: false });
      else await this.watch(a);
    }
  }

  private async watch(from: AllocationRow): Promise<void> {
    this.processes.set(from.id, from);
    const exp = await this.ctx.store.getExperiment(from.experimentId);
    // Its last lines are still its trial's; one of a deleted experiment has no trial to write to,
    // and is stopped at once.
    if (exp) this.logs.register(from.id, from.trialId);
    const timeout = exp ? this.timeoutOf(exp.config) : 0;
    this.stops.stopProcess(from, timeout, from.preemptRequestedAt ?? this.ctx.now());
  }
}
