/**
 * How the master lets its trials go as it stops (DESIGN §6): every live
 * allocation is told to checkpoint and exit (`StopRequests`, killed after the
 * grace), and the drain resolves once all have exited, or a little after the
 * kills when some never report back. It waits on exits, not on a polling
 * loop: each exit the supervisor reads wakes it to count again.
 */
import { setLongTimeout } from "../../protocol/timers.js";
import type { MasterContext } from "./context.js";
import type { StopRequests } from "./stop-requests.js";

/** How long a drain waits past its grace for the exits of the processes it killed. */
const DRAIN_KILL_SETTLE_MS = 5_000;

/** What a drain needs of the supervisor that reads the exits. */
export interface DrainedWork {
  /** Resolves once the work queued so far (exits being read among it) has run. */
  settled(): Promise<void>;
  /** Processes whose allocation has ended but that have not exited yet. */
  lingering(): number;
}

export class Drain {
  /** Called after each exit is read. */
  private readonly exitListeners = new Set<() => void>();

  constructor(
    private readonly ctx: MasterContext,
    private readonly stops: StopRequests,
    private readonly work: DrainedWork,
  ) {}

  /** An exit has been read: a drain under way counts the live allocations again. */
  exitRead(): void {
    for (const listener of this.exitListeners) listener();
  }

  /**
   * Asks every live allocation to checkpoint and exit (killed after
   * `graceSeconds`), and resolves once all have exited, or a little after the
   * kills when some never report back. The caller has stopped launching.
   */
  async run(graceSeconds: number): Promise<void> {
    await this.work.settled();
    for (const a of await this.ctx.store.listLiveAllocations()) {
      await this.stops.preempt(a, graceSeconds);
    }
    const deadline = Date.now() + graceSeconds * 1000 + DRAIN_KILL_SETTLE_MS;
    for (;;) {
      const live = (await this.ctx.store.listLiveAllocations()).length + this.work.lingering();
      const left = deadline - Date.now();
      if (live === 0 || left <= 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          timer.clear();
          this.exitListeners.delete(done);
          resolve();
        };
        const timer = setLongTimeout(done, left);
        this.exitListeners.add(done);
      });
      await this.work.settled();
    }
  }

  /** Kills every live allocation now instead of waiting for its grace. */
  async killLive(): Promise<void> {
    for (const a of await this.ctx.store.listLiveAllocations()) await this.stops.kill(a);
  }
}
