/**
 * Starting the trials a scheduling pass gave slots to. The pass creates each
 * run (its allocation, PENDING) in the supervisor's queue, in the order it
 * decided; the launch itself, which may wait on the cluster (`sbatch` tries
 * again for seconds while Slurm's controller is out of reach), runs in a
 * lane of its pool, outside that queue: launches of one pool go one at a
 * time in the order they were decided, while other pools' launches, exits
 * and later passes go on. Each allocation is launched once, by its lane.
 * A hand-over to a process that asked for a next trial is immediate and
 * done in the pass. A trial whose launches could not reach the cluster
 * waits before it is launched again (`LaunchBackoff`).
 */

import type { ResourcePool } from "../launcher/resource-pools.js";
import type { AllocationRow, ExperimentRow, TrialStub } from "../storage/store.js";
import { createRun, launchRun, type StartContext } from "./allocation-start.js";
import { LaunchBackoff } from "./launch-backoff.js";
import { readSchedulingState } from "./scheduling-state.js";

/** What launches need of the supervisor. */
export interface LaunchContext extends StartContext {
  /** Queues the reading of an allocation's end behind the supervisor's other work. */
  queueExitRead: StartContext["exitRead"];
  /** Whether the master still launches (it is not stopping). */
  launching(): boolean;
  /** A wait is over: a pass should launch the trial that waited. */
  schedule(): void;
  report(err: unknown): void;
}

export class Launches {
  readonly backoff: LaunchBackoff;
  /** The last launch queued in each pool: the next one waits for it. */
  private readonly lanes = new Map<string, Promise<void>>();
  /** Launches queued or under way, by allocation. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly lc: LaunchContext) {
    this.backoff = new LaunchBackoff(() => lc.schedule());
  }

  /**
   * Starts the trials a pool's decision gave slots to, in its order, as far
   * as `free` slots go: the first of the offered process's experiment that
   * needs its slots is handed to it (one try: a process gone is gone for the
   * next trial too), whose slots are its own until then. Adds the trials
   * given a run to `started`; resolves with the hand-over's environment.
   */
  async startDecided(
    pool: ResourcePool,
    decided: readonly number[],
    pass: {
      free: number;
      trialsById: ReadonlyMap<number, TrialStub>;
      experiments: readonly ExperimentRow[];
      masterUrl: string;
      offer: AllocationRow | undefined;
      started: Set<number>;
    },
  ): Promise<Record<string, string> | null> {
    let { free, offer: offered } = pass;
    const byId = new Map(pass.experiments.map((e) => [e.id, e]));
    let handedOver: Record<string, string> | null = null;
    for (const trialId of decided) {
      const trial = pass.trialsById.get(trialId);
      const exp = trial && byId.get(trial.experimentId);
      const slots = exp?.config.resources.slots_per_trial ?? 0;
      const from =
        exp && offered?.experimentId === exp.id && offered.slots === slots ? offered : undefined;
      const reserved = from ? 0 : (offered?.slots ?? 0);
      if (!trial || !exp || slots > free - reserved) continue;
      free -= slots;
      if (from) offered = undefined;
      // Its launch waits while its last ones could not reach the cluster; its slots stay its own.
      if (!from && this.backoff.waits(trialId)) continue;
      try {
        const { created, env } = await this.start(pool, {
          exp,
          trial,
          masterUrl: pass.masterUrl,
          from,
        });
        if (created) pass.started.add(trialId);
        if (from) handedOver = env;
      } catch (err) {
        // One trial that cannot start must not stop the others, nor lose a handover made.
        this.lc.report(err);
        this.lc.schedule();
      }
    }
    return handedOver;
  }

  /**
   * Starts a trial a pass gave slots to: a new run handed to `from`'s
   * process (its environment once handed over), or queued for launch in its
   * pool. Resolves with whether a run was created, and the hand-over's
   * environment.
   */
  private async start(
    pool: ResourcePool,
    what: {
      exp: ExperimentRow;
      trial: TrialStub;
      masterUrl: string;
      from?: AllocationRow | undefined;
    },
  ): Promise<{ created: boolean; env: Record<string, string> | null }> {
    const run = await createRun(this.lc, { pool, ...what });
    if (!run) return { created: false, env: null };
    if (what.from) {
      const outcome = await launchRun(this.lc, pool, run, what.from);
      return { created: true, env: outcome === "started" ? run.env : null };
    }
    const trialId = what.trial.id;
    this.queue(pool.name, run.alloc.id, async () => {
      if (!this.lc.launching()) {
        // The master stops: the run was never launched, and its trial is not to blame.
        await this.lc.queueExitRead(run.alloc.id, { exitCode: null, signal: null, lost: true });
        return;
      }
      const outcome = await launchRun(
        {
          ...this.lc,
          exitRead: (id, info) => {
            // Noted before the end is read: the pass that reading asks for must see the wait.
            if (info.unreachable) this.backoff.lost(trialId);
            return this.lc.queueExitRead(id, info);
          },
        },
        pool,
        run,
      );
      if (outcome === "started") this.backoff.started(trialId);
    });
    return { created: true, env: null };
  }

  /** After a restart: the waiting trials whose last runs could not be launched wait what is left of their wait. */
  async resumeWaits(): Promise<void> {
    const { waiting } = await readSchedulingState(this.lc.ctx);
    await this.backoff.resume(
      this.lc.ctx,
      waiting.map((w) => w.trialId),
    );
  }

  /** Resolves once the launch of the allocation, if one is queued or under way, is done. */
  launching(allocationId: string): Promise<void> | undefined {
    return this.inFlight.get(allocationId);
  }

  /** Resolves once every launch queued so far is done. */
  async idle(): Promise<void> {
    for (;;) {
      const lanes = [...this.lanes.values()];
      await Promise.all(lanes);
      const now = [...this.lanes.values()];
      if (now.length === lanes.length && now.every((lane, i) => lane === lanes[i])) return;
    }
  }

  close(): void {
    this.backoff.close();
  }

  private queue(pool: string, allocationId: string, task: () => Promise<void>): void {
    const done = (this.lanes.get(pool) ?? Promise.resolve())
      .then(task)
      .catch((err) => {
        // One launch that fails oddly must not stop the next; the trial waits for another pass.
        this.lc.report(err);
        this.lc.schedule();
      })
      .finally(() => {
        if (this.inFlight.get(allocationId) === done) this.inFlight.delete(allocationId);
      });
    this.lanes.set(pool, done);
    this.inFlight.set(allocationId, done);
  }
}
