/**
 * The core context (DESIGN §5): what a trial's own training loop uses to ask
 * for work and push what it did. Every write is queued and sent in the
 * background (`push-sender.ts`), so reporting never blocks training.
 */
import type { CheckpointBody, EarlyExitBody } from "../protocol/api/push.js";
import type { ExperimentConfig, HParams } from "../protocol/config/types.js";
import { MAX_LONG_POLL_SECONDS } from "../protocol/timers.js";
import { type BackoffOptions, defaultBackoff } from "./backoff.js";
import { SharedFsStorage } from "./checkpoint-storage.js";
import { Checkpoints } from "./checkpoints.js";
import { type DryRunOptions, startDryRun } from "./dry-run.js";
import {
  type Env,
  isOffCluster,
  readTrialEnvironment,
  type TrialEnvironment,
  trialEnvironmentOrExit,
} from "./environment.js";
import { EventLoopTurns } from "./event-loop.js";
import { handleExitSignals } from "./exit-signals.js";
import { isoTime } from "./iso-time.js";
import { withVariablesFromMaster } from "./long-variables.js";
import { checkReport, type MetricGroup, type Metrics } from "./metrics.js";
import { stderrLine } from "./notices.js";
import { Preemption } from "./preemption.js";
import { PushApi } from "./push-api.js";
import { PushSender } from "./push-sender.js";
import { type SearcherOperation, searcherOperations } from "./searcher-operations.js";
import { HttpTransport, type Transport } from "./transport.js";

export interface InitOptions {
  /** Where PUSHTUNE_* come from; `process.env` by default. */
  env?: Env;
  /** How to reach the master; HTTP to PUSHTUNE_MASTER by default (`FakeMaster` in tests). */
  transport?: Transport;
  /**
   * Used off the cluster (no PUSHTUNE_TRIAL_ID set, and no transport): a
   * local dry run.
   */
  dryRun?: DryRunOptions;
  /** Retry timing of every call to the master. Default 100 ms doubling up to 5 s, with jitter. */
  backoff?: Partial<BackoffOptions>;
  /** How long each ask for the next operation lets the master wait for a decision. Default 30. */
  operationWaitSeconds?: number;
  /** How long each preemption long poll lets the master wait. Default 60. */
  preemptionTimeoutSeconds?: number;
  /**
   * SIGTERM is a preemption for a trial that watches for one (the trial
   * checkpoints and exits); a second SIGTERM, or SIGINT, delivers pending
   * reports and ends the process (`exit-signals.ts`). Default true.
   */
  handleExitSignals?: boolean;
  /** Where the SDK's notices go (outages, dry-run reports). Default stderr. */
  log?: (line: string) => void;
}

/**
 * Connects this process to its trial. Reads PUSHTUNE_*; off the cluster (no
 * trial, no transport given) it starts a local dry run instead. A
 * trial whose environment is unusable (say, no PUSHTUNE_MASTER) is an error:
 * thrown for an `env` passed in, one line on stderr and exit 1 for the
 * process's own.
 */
export async function init(options: InitOptions = {}): Promise<Context> {
  checkLongPollSeconds(options.operationWaitSeconds, "operationWaitSeconds");
  checkLongPollSeconds(options.preemptionTimeoutSeconds, "preemptionTimeoutSeconds");
  const env = options.env ?? process.env;
  if (options.transport === undefined && isOffCluster(env)) {
    const dry = await startDryRun(env, options.dryRun ?? {}, options.log);
    const { dryRun: _, ...rest } = options;
    return new Context(readTrialEnvironment(dry.env), dry.transport, rest, true);
  }
  const own = env === process.env;
  const started = trialEnvironmentOrExit(env, own);
  // Taken once: a later context in this process, or a process it starts, asks the master.
  delete env.PUSHTUNE_OPERATION;
  const transport =
    options.transport ?? new HttpTransport({ master: started.master, token: started.token });
  const backoff = { ...defaultBackoff, ...options.backoff };
  const full = await withVariablesFromMaster(env, started, transport, backoff);
  const trial = full === env ? started : trialEnvironmentOrExit(full, own);
  return new Context(trial, transport, options, false);
}

/** A long poll's wait, as the master takes it: 0 to `MAX_LONG_POLL_SECONDS`. */
function checkLongPollSeconds(value: number | undefined, name: string): void {
  if (value === undefined) return;
  if (!(Number.isFinite(value) && value >= 0 && value <= MAX_LONG_POLL_SECONDS)) {
    throw new RangeError(
      `init: ${name} must be a number of seconds from 0 to ${MAX_LONG_POLL_SECONDS}, got ${value}`,
    );
  }
}

export class Context {
  readonly hparams: HParams;
  readonly trialId: number;
  readonly experimentId: number;
  readonly allocationId: string;
  /** Counts the runs of this trial: 1, then +1 after every restart. */
  readonly runId: number;
  readonly trialSeed: number;
  readonly config: ExperimentConfig;
  /** The checkpoint to resume from, or null for a fresh start. */
  readonly latestCheckpoint: string | null;
  readonly searcher: { operations(): AsyncGenerator<SearcherOperation, void, undefined> };
  readonly train: TrainReports;
  readonly checkpoint: Checkpoints;
  readonly preempt: Preemption;

  private readonly sender: PushSender;
  private readonly closing = new AbortController();
  /** Aborted when SIGTERM or SIGINT ends the process (`exit-signals.ts`). */
  private readonly ending = new AbortController();
  private readonly unregisterExitSignals: () => void;
  private closed: Promise<void> | null = null;
  /** The master answered that the trial is closed: it has no operation left. */
  private searcherClosed = false;

  constructor(
    trial: TrialEnvironment,
    transport: Transport,
    options: Omit<InitOptions, "env" | "transport" | "dryRun">,
    /** True when no master is involved (a local dry run). */
    readonly dryRun: boolean,
  ) {
    this.hparams = trial.hparams;
    this.trialId = trial.trialId;
    this.experimentId = trial.experimentId;
    this.allocationId = trial.allocationId;
    this.runId = trial.runId;
    this.trialSeed = trial.trialSeed;
    this.config = trial.config;
    this.latestCheckpoint = trial.latestCheckpoint;

    const log = options.log ?? stderrLine;
    const backoff = { ...defaultBackoff, ...options.backoff };
    const api = new PushApi(transport, trial, trial.operation);
    this.sender = new PushSender(api, {
      backoff,
      log,
      onFatal: (error) => this.preempt.abort(error),
    });
    this.preempt = new Preemption(api, this.sender, this.closing.signal, {
      timeoutSeconds: options.preemptionTimeoutSeconds ?? 60,
      backoff,
      minPollIntervalMs: 1000,
      log,
      onFatal: (error) => this.refusedForGood(error),
    });
    this.train = new TrainReports(this.sender);
    this.checkpoint = new Checkpoints(
      new SharedFsStorage(trial.checkpointDir, trial.allocationId),
      api,
      this.sender,
      backoff,
      // Kept back for the ask for the next trial, which carries it: the checkpoint a trial
      // takes as it stops for the master, or as it ends when the searcher closed it.
      () => this.preempt.acknowledgesByAsking || (this.preempt.deferAck && this.searcherClosed),
      (error) => this.refusedForGood(error),
    );
    this.searcher = {
      operations: () =>
        searcherOperations(
          api,
          this.sender,
          AbortSignal.any([this.preempt.signal, this.closing.signal]),
          {
            waitSeconds: options.operationWaitSeconds ?? 30,
            backoff,
            minAskIntervalMs: 1000,
            onPreempt: () => this.preempt.preempted("master"),
            onClosed: () => {
              this.searcherClosed = true;
            },
            beforeCompletion: () => this.checkpoint.releaseHeld(),
            onFatal: (error) => this.refusedForGood(error),
          },
        ),
    };
    this.unregisterExitSignals =
      options.handleExitSignals === false
        ? () => undefined
        : handleExitSignals({
            // The process may end at this signal: what was kept back for the ask for
            // the next trial goes now, or the trial would resume from an older checkpoint.
            flush: () => this.deliverKeptBack().then(() => this.flush()),
            ending: () => this.ending.abort(),
            // Once closed the trial is over: a SIGTERM ends the process.
            canPreempt: () => !this.closing.signal.aborted && this.preempt.hearsSignal(),
            preempt: () => this.preempt.preempted("SIGTERM"),
          });
  }

  /**
   * STALE_ALLOCATION, UNAUTHENTICATED or FORBIDDEN heard by a call that is not
   * a queued push (the preemption poll, the ask for an operation): as for a
   * push, the queue is dropped, `preempt.signal` aborts with the error and
   * every later call throws it (a checkpoint is not even written).
   */
  private refusedForGood(error: Error): void {
    this.sender.fail(error);
    this.preempt.abort(error);
  }

  /** Resolves once everything reported so far reached the master; throws a refusal nobody saw yet. */
  flush(): Promise<void> {
    return this.sender.flush();
  }

  /**
   * Stops asking the master anything, delivers everything still queued, then
   * lets go. `askingForNextTrial` (`trials()`): the process asks for its next
   * trial next, which stands for an acknowledgement `preempt.acknowledge()`
   * kept back and carries the checkpoint report kept back with it
   * (`handOver`, which must follow). Only the first call counts.
   */
  close(options: { askingForNextTrial?: boolean } = {}): Promise<void> {
    this.closed ??= (async () => {
      this.closing.abort();
      let handingOver = false;
      try {
        if (!options.askingForNextTrial) await this.deliverKeptBack();
        await this.sender.flush();
        handingOver = options.askingForNextTrial === true;
      } finally {
        // Handing over: SIGTERM and SIGINT stay handled until the ask is answered.
        if (!handingOver) this.unregisterExitSignals();
      }
    })();
    return this.closed;
  }

  /**
   * After `close({ askingForNextTrial: true })`: `ask` asks the master for the
   * next trial, carrying the checkpoint report kept back for it and standing
   * for the acknowledgement kept back. Resolves with its answer, or with null
   * without asking when a SIGTERM stopped the trial (the process is wanted
   * gone: it takes no other trial), once what the ask would have carried is
   * delivered on its own.
   *
   * A SIGTERM or SIGINT before the answer ends the process
   * (`exit-signals.ts`): `stop` aborts, so no ask goes out again and the
   * master hands this process no trial it would abandon; what the ask carried
   * goes as a checkpoint report and an acknowledgement of their own (an ask
   * that reached the master registered the same checkpoint, which registers
   * once; its ended allocation's acknowledgement is refused), and the promise
   * never settles.
   */
  async handOver<T>(
    ask: (checkpoint: CheckpointBody | undefined, stop: AbortSignal) => Promise<T>,
  ): Promise<T | null> {
    const ending = this.ending.signal;
    // The process ends at the signal: the loop gets nothing more.
    const never = new Promise<never>(() => undefined);
    if (ending.aborted) return never;
    let answer: T;
    try {
      if (this.preempt.stoppedBySignal) {
        // No ask goes out: what it would have carried goes on its own.
        await this.deliverKeptBack();
        await this.sender.flush();
        return null;
      }
      answer = await ask(this.checkpoint.heldReport ?? undefined, ending);
    } catch (error) {
      if (ending.aborted) return never;
      throw error;
    } finally {
      if (!ending.aborted) this.unregisterExitSignals();
    }
    if (ending.aborted) return never;
    this.checkpoint.takeHeld();
    this.preempt.acknowledgedByAsking();
    return answer;
  }

  /** Sends a checkpoint report and an acknowledgement kept back for the ask for the next trial. */
  private async deliverKeptBack(): Promise<void> {
    // The checkpoint before the acknowledgement: the trial resumes from it.
    this.checkpoint.releaseHeld();
    await this.preempt.deliverDeferredAck();
  }
}

/**
 * Metric and early-exit reports. Metrics are queued, batched and retried; the
 * promise resolves at once, after giving the event loop a turn every 100 ms
 * (or when a full batch waits) so that a CPU-bound loop's reports are sent
 * while it trains.
 */
export class TrainReports {
  private readonly turns = new EventLoopTurns();

  constructor(private readonly sender: PushSender) {}

  async reportTrainingMetrics(steps: number, metrics: Metrics): Promise<void> {
    this.report("training", steps, metrics);
    await this.turns.maybeYield(this.sender.fullBatchWaits);
  }

  async reportValidationMetrics(steps: number, metrics: Metrics): Promise<void> {
    this.report("validation", steps, metrics);
    await this.turns.maybeYield(this.sender.fullBatchWaits);
  }

  /** The trial stops before finishing its operations. Resolves once the master has it. */
  reportEarlyExit(reason: EarlyExitBody["reason"]): Promise<void> {
    return this.sender.deliver({ kind: "earlyExit", body: { reason } });
  }

  private report(group: MetricGroup, steps: number, metrics: Metrics): void {
    const checked = checkReport(group, steps, metrics);
    this.sender.push({
      kind: "metrics",
      reports: [
        { group, stepsCompleted: steps, metrics: checked, reportTime: isoTime(Date.now()) },
      ],
      isolated: false,
    });
  }
}
