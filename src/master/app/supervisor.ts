/**
 * The trial supervisor: gives slots to trials (the decision itself is the pure
 * `decideSchedule`), starts allocations through the launcher, asks them to
 * stop, and reads their exits (DESIGN §6, §8). It is driven by changes — a
 * trial got an op, an allocation ended, an experiment was paused — never by a
 * polling loop.
 */
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { decideSchedule } from "../domain/index.js";
import type { ExitInfo, LauncherEvents } from "../launcher/launcher.js";
import type { ResourcePool } from "../launcher/resource-pools.js";
import type { AllocationRow } from "../storage/store.js";
import { recordFound } from "./allocation-start.js";
import { removeRunStaging } from "./checkpoint-files.js";
import type { MasterContext } from "./context.js";
import { Drain } from "./drain.js";
import { settleExit } from "./exit-reading.js";
import { Launches } from "./launches.js";
import { LingeringProcesses } from "./lingering-processes.js";
import { LogSink } from "./log-sink.js";
import { PassAsks, RETRY_AFTER_FAILED_PASS_MS } from "./pass-asks.js";
import {
  poolSchedulingInput,
  readSchedulingState,
  type SchedulingState,
  slotsOf,
} from "./scheduling-state.js";
import { StopRequests } from "./stop-requests.js";

/**
 * - starting: exits are read (recovery), nothing is launched yet: the
 *   master's URL may not be known.
 * - running: scheduling and launching.
 * - draining: the master is stopping: trials are asked to checkpoint and
 *   exit, exits are read, nothing is launched.
 * - closed: nothing is done any more.
 */
type SupervisorPhase = "starting" | "running" | "draining" | "closed";

export class Supervisor implements LauncherEvents {
  private phase: SupervisorPhase = "starting";
  private scheduled = false;
  /** A queued pass all of whose asks a later-reading pass covered is skipped. */
  private readonly asks = new PassAsks(() => this.schedule());
  /** Whether the last pass left trials waiting for a slot. */
  private contended = false;
  /** A scheduling pass is reading or applying right now. */
  private passing = false;
  private running: Promise<void> = Promise.resolve();
  /** Processes that asked for a next trial, got none, and have not exited yet. */
  private readonly lingering: LingeringProcesses;
  readonly logs: LogSink;
  private readonly stops: StopRequests;
  private readonly drainer: Drain;
  private readonly launches: Launches;

  constructor(private readonly ctx: MasterContext) {
    this.logs = new LogSink(ctx);
    this.stops = new StopRequests(ctx, this.logs, (err) => this.report(err));
    this.lingering = new LingeringProcesses(ctx, this.logs, this.stops, (config) =>
      this.preemptionTimeout(config),
    );
    this.launches = new Launches({
      ctx,
      logs: this.logs,
      exitRead: (id, info) => this.handleExit(id, info),
      queueExitRead: async (id, info) => this.enqueue(() => this.handleExit(id, info)),
      stopRequested: (id) => this.stops.requested(id),
      launching: () => this.phase === "running",
      schedule: () => this.schedule(),
      report: (err) => this.report(err),
    });
    this.drainer = new Drain(ctx, this.stops, {
      settled: () => this.settled(),
      lingering: () => this.lingering.size,
    });
  }

  /** Resolves once the work queued so far, launches included, is done. */
  private async settled(): Promise<void> {
    await this.running;
    await this.launches.idle();
    await this.running;
  }

  /**
   * Runs the scheduler when trials wait for slots: a change that can only free
   * a slot held by a promotion-waiter matters only then.
   */
  scheduleIfContended(): void {
    // A pass under way may have read the world before this change: it cannot vouch for it.
    if (this.contended || this.passing) this.schedule();
  }

  /**
   * Resolves once a scheduling pass that read the world after this call has
   * run, when trials wait for slots (at once otherwise). A trial that has just
   * completed its op and waits for a promotion awaits it before it is
   * answered, so that the completion's answer itself tells it to give up the
   * slot another trial needs: no wait for a pass, no second request.
   * `needed` is asked only when trials wait (it may read the store). A pass
   * already asked for counts too: the completion may itself have created the
   * trial that waits (a searcher that creates a trial as another parks).
   */
  async passIfContended(needed: () => Promise<boolean> = async () => true): Promise<void> {
    if (!(this.contended || this.passing || this.nextPass) || !(await needed())) return;
    this.schedule();
    await this.nextPass?.promise;
  }

  /** The pass `schedule` has asked for and not yet run: resolved once it has. */
  private nextPass: { promise: Promise<void>; resolve: () => void } | null = null;

  /** Starts scheduling and launching (the master's URL is known now), with a pass at once. */
  open(): void {
    if (this.phase !== "starting") return;
    this.phase = "running";
    this.schedule();
  }

  /** Runs the scheduler soon; many calls in one tick cost one pass. */
  schedule(): void {
    this.asks.add();
    if (this.scheduled || this.phase !== "running") return;
    this.scheduled = true;
    let resolve!: () => void;
    const pass = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    this.nextPass = pass;
    setImmediate(() => {
      this.scheduled = false;
      if (this.nextPass === pass) this.nextPass = null;
      this.enqueue(async () => {
        try {
          if (this.asks.open) await this.schedulePass();
        } finally {
          pass.resolve();
        }
      });
    });
  }

  /** Runs `task` after the work queued before it (exits, scheduling passes, finishes). */
  enqueue(task: () => Promise<void>): void {
    this.running = this.running.then(task).catch((err) => this.report(err));
  }

  /** Resolves when every scheduling pass asked for so far has run. */
  async idle(): Promise<void> {
    for (;;) {
      while (this.scheduled) await new Promise((r) => setImmediate(r));
      const current = this.running;
      await current;
      await this.launches.idle();
      if (current === this.running && !this.scheduled) return;
    }
  }

  private report(err: unknown): void {
    if (this.phase !== "closed") console.error("pushtune supervisor:", err);
  }

  /**
   * An allocation's process finished its trial and offers to run another
   * (`trials()` in the SDK). Its allocation ends as if the process had exited
   * 0; then, if the scheduler starts a trial of the same experiment on the
   * slots it held, that trial's new allocation runs in this process instead of
   * a new one. Resolves with that trial's environment, or null: the process
   * should exit. `asking` may be a row read earlier: its state is read again in the queue.
   */
  async nextTrial(asking: AllocationRow): Promise<Record<string, string> | null> {
    const allocationId = asking.id;
    // Outside the queue: reading the process's last lines need not hold up other work.
    await this.ctx.launcherOf(asking)?.settleOutput?.(allocationId);
    return new Promise((resolve, reject) => {
      this.enqueue(async () => {
        try {
          const from = await this.ctx.store.getAllocation(allocationId);
          if (!from || from.state === "TERMINATED") return resolve(null);
          await this.handleExit(allocationId, {
            exitCode: 0,
            signal: null,
            lost: false,
            askedForNext: true,
          });
          const env = this.ctx.launcherOf(from)?.handOver ? await this.schedulePass(from) : null;
          // The process exits on its own now: its slots and its last lines are still its trial's.
          if (env === null) await this.lingering.add(from);
          resolve(env);
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** A scheduling pass; with `offer`, a trial it starts may take over that ended allocation's process. */
  private async schedulePass(offer?: AllocationRow): Promise<Record<string, string> | null> {
    if (this.phase !== "running") return null;
    this.passing = true;
    try {
      return await this.asks.cover(() => this.decideAndApply(offer));
    } finally {
      this.passing = false;
    }
  }

  /** Scheduling passes run so far (what a decision costs is mostly its passes); only passes count it. */
  passesRun = 0;

  private async decideAndApply(offer?: AllocationRow): Promise<Record<string, string> | null> {
    this.passesRun++;
    // Read before anything is written: a pass that could not tell trials its URL does nothing.
    const masterUrl = this.ctx.masterUrl;
    const state = await readSchedulingState(this.ctx);
    this.contended = state.waiting.length > 0;
    let handedOver: Record<string, string> | null = null;
    const started = new Set<number>();
    // Each pool is decided on its own: its slots, its experiments, its priorities and shares.
    for (const pool of this.ctx.pools.all) {
      const offered = offer?.resourcePool === pool.name ? offer : undefined;
      const env = await this.decideForPool(pool, state, masterUrl, offered, started);
      if (env) handedOver = env;
    }
    // Trials wait for slots after this pass only if it did not start them all: once every one
    // has its slots, a promotion-waiter's slot matters to nobody until a new trial waits (and
    // a new trial, or one given work without slots, asks for a pass of its own).
    this.contended = state.waiting.some((w) => !started.has(w.trialId));
    this.launches.backoff.keepOnly(new Set(state.waiting.map((w) => w.trialId)));
    return handedOver;
  }

  private async decideForPool(
    pool: ResourcePool,
    state: SchedulingState,
    masterUrl: string,
    offer: AllocationRow | undefined,
    /** Gains the trials this pass started. */
    started: Set<number>,
  ): Promise<Record<string, string> | null> {
    const { input, live, experiments } = poolSchedulingInput(this.ctx, state, {
      name: pool.name,
      totalSlots: pool.launcher.totalSlots,
    });
    const decision = decideSchedule(input);
    for (const trialId of decision.preempt) {
      const a = state.liveByTrial.get(trialId);
      const config = a && state.experiments.find((e) => e.id === a.experimentId)?.config;
      if (a && config && !a.preemptRequested)
        await this.requestPreemption(a, this.preemptionTimeout(config));
    }
    return this.launches.startDecided(pool, decision.start, {
      // A start that waits on a preemption launches once that trial has exited (its exit reschedules).
      // Processes told there is no next trial delay launches until they exit, as preempted
      // trials do; the decision counts on their slots (no trial is preempted to make up for them).
      free: input.totalSlots - this.lingering.slotsIn(pool.name) - slotsOf(live),
      trialsById: state.trialsById,
      experiments,
      masterUrl,
      offer,
      started,
    });
  }

  /** Seconds a preempted trial of this experiment gets before it is killed. */
  preemptionTimeout(config: ExperimentConfig): number {
    return this.ctx.options.preemptionTimeoutSeconds ?? config.preemption_timeout;
  }

  /** Tells an allocation to checkpoint and exit; SIGTERM and SIGKILL follow if it does not. */
  requestPreemption(
    a: Pick<AllocationRow, "id">,
    timeoutSeconds: number,
    since?: Date,
  ): Promise<void> {
    return this.stops.preempt(a, timeoutSeconds, since);
  }

  /** Stops an allocation's processes at once. */
  kill(a: AllocationRow): Promise<void> {
    return this.stops.kill(a);
  }

  /** Stops at once the experiment's processes told there is no next trial (a kill stops all). */
  killLingering(experimentId: number): Promise<void> {
    return this.lingering.kill(experimentId);
  }

  /**
   * After a restart, before scheduling: the processes a previous master told
   * there is no next trial that their launchers still run hold their slots.
   */
  recoverLingering(): Promise<void> {
    return this.lingering.recover();
  }

  /**
   * After a restart, before scheduling: the waiting trials whose last runs
   * could not be launched wait what is left of their wait.
   */
  resumeLaunchWaits(): Promise<void> {
    return this.launches.resumeWaits();
  }

  exited(allocationId: string, info: ExitInfo): void {
    const read = () =>
      this.enqueue(() => this.handleExit(allocationId, info, { untilStored: true }));
    // An end that comes before its launch is recorded is read after it, or that would undo it.
    const launching = this.launches.launching(allocationId);
    if (launching) void launching.then(read);
    else read();
  }

  log(allocationId: string, stream: "stdout" | "stderr", line: string, time: Date): void {
    this.logs.add(allocationId, stream, line, time);
  }

  logRoom(): Promise<void> | null {
    return this.logs.room();
  }

  logsStored(): Promise<void> {
    return this.logs.stored();
  }

  found(allocationId: string, handle: unknown): void {
    this.enqueue(() => recordFound(this.ctx, allocationId, handle));
  }

  /**
   * Reads an allocation's end and decides the trial's fate (DESIGN §6). With
   * `untilStored` (an exit the launcher reported, which nobody would report
   * again), an end the store cannot take (its disk is full) is read again a
   * little later, until it is stored: a trial whose end is lost would keep its
   * slot, and its experiment would never end.
   */
  async handleExit(
    allocationId: string,
    info: ExitInfo,
    { untilStored = false }: { untilStored?: boolean } = {},
  ): Promise<void> {
    const killRequested = this.stops.ended(allocationId);
    this.ctx.hooks.allocationEnded(allocationId, !info.askedForNext);
    if (this.lingering.ended(allocationId)) this.schedule(); // its slots are free now
    const read = async (): Promise<void> => {
      try {
        await this.readExit(allocationId, info, killRequested);
      } catch (err) {
        if (!untilStored || this.phase === "closed") throw err;
        this.report(err);
        setTimeout(() => this.enqueue(read), RETRY_AFTER_FAILED_PASS_MS).unref();
      }
    };
    await read();
  }

  private async readExit(allocationId: string, info: ExitInfo, killRequested: boolean) {
    await this.logs.flush();
    this.logs.forget(allocationId);
    const a = await this.ctx.store.getAllocation(allocationId);
    // A process that outlived its allocation (and maybe its experiment) is gone now: a
    // restarted master looks for it no more.
    if (!a || a.lingering)
      await this.ctx.store.updateAllocation(allocationId, { lingering: false });
    const exp =
      a && a.state !== "TERMINATED" ? await settleExit(this.ctx, a, info, killRequested) : null;
    // A kill or stop asked while its end was read found it live: now that it has ended, forgotten.
    this.stops.ended(allocationId);
    // Its process is gone, or on to another trial (a lost one was stopped, or never started):
    // what it left half-written goes. Not when its pool is not this master's: it may still run.
    if (a && exp && this.ctx.launcherOf(a))
      void removeRunStaging(this.ctx, exp.config, allocationId).catch((err) => this.report(err));
    this.drainer.exitRead();
  }

  /**
   * Stops launching, asks every live allocation to checkpoint and exit
   * (killed after `graceSeconds`), and resolves once all have exited, or a
   * little after the kills when some never report back (`Drain`).
   */
  async drain(graceSeconds: number): Promise<void> {
    if (this.phase === "starting" || this.phase === "running") this.phase = "draining";
    await this.drainer.run(graceSeconds);
  }

  /** During a drain: kills every live allocation now instead of waiting for its grace. */
  async killLive(): Promise<void> {
    if (this.phase !== "draining") return;
    await this.drainer.killLive();
  }

  async close(): Promise<void> {
    this.phase = "closed";
    this.asks.close();
    // Timers first: a signal on its way writes a line; then the queued work, then its lines.
    await this.stops.close();
    await this.settled();
    this.launches.close();
    await this.logs.close();
  }
}
