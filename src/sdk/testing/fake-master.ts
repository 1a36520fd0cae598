/**
 * An in-memory master behind the `Transport` seam: no server, no database. Use
 * it to test trial code — `init({transport: fm, env: fm.env()})` — and assert on
 * what the trial pushed. It follows the push API's rules: request bodies are
 * checked against the protocol schemas, metric pushes are idempotent per
 * (group, stepsCompleted) with conflicting values refused (METRIC_CONFLICT),
 * a completion must match the current operation (OP_MISMATCH; one sent again
 * with the same length and metric is a no-op, as on the master), a checkpoint
 * must exist on disk before it is registered.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  MetricReport,
  MetricsBody,
  NextTrialBody,
  OperationResponse,
  ProgressBody,
} from "../../protocol/api/push.js";
import type { ExperimentConfig, HParams } from "../../protocol/config/types.js";
import { LONG_VARIABLES } from "../../protocol/long-variables.js";
import { ownValue } from "../../protocol/own-value.js";
import { trialEnvironmentVariables } from "../environment.js";
import { RequestError, RetryableError } from "../errors.js";
import { localExperimentConfig } from "../experiment-config.js";
import type { HttpMethod, RequestOptions, Transport } from "../transport.js";
import type { FakeMasterEvent, FakeMasterOptions, FakeRequest } from "./fake-master-types.js";
import { MetricLedger } from "./metric-ledger.js";
import { parsePushRoute } from "./push-routes.js";
import { checked, loadBodyChecks, refuse } from "./request-checks.js";
import { Waiters } from "./waiters.js";

export class FakeMaster implements Transport {
  readonly events: FakeMasterEvent[] = [];
  readonly requests: FakeRequest[] = [];
  readonly config: ExperimentConfig;
  readonly hparams: HParams;
  readonly checkpointDir: string;

  private readonly ops: number[];
  private opIndex = 0;
  private closed = false;
  private preempted = false;
  private isDown = false;
  private superseded = false;
  private failures: number;
  private failAfterApplying = false;
  private best: number | null;
  private readonly ledger = new MetricLedger();
  /** Asks for an operation, waiting for the searcher's decision. */
  private readonly opWaiters = new Waiters();
  /** Preemption long polls. */
  private readonly preemptionWaiters = new Waiters();

  constructor(private readonly options: FakeMasterOptions = {}) {
    this.ops = [...(options.ops ?? [100])];
    this.config = localExperimentConfig(options.config);
    this.hparams = options.hparams ?? {};
    this.checkpointDir =
      options.checkpointDir ?? mkdtempSync(join(tmpdir(), "pushtune-fake-master-"));
    this.failures = options.failNextRequests ?? 0;
    this.best = options.bestValidation ?? null;
    // Load the schema checks now, in the background: only a fake master needs them.
    void loadBodyChecks().catch(() => undefined);
  }

  /** The PUSHTUNE_* environment of this trial, for `init({transport, env})`. */
  env(): Record<string, string> {
    return trialEnvironmentVariables({
      master: "http://fake-master.invalid",
      token: "fake-token",
      trialId: this.trialId,
      experimentId: this.options.experimentId ?? 1,
      allocationId: this.allocationId,
      runId: this.runId,
      hparams: this.hparams,
      trialSeed: this.options.trialSeed ?? 0,
      latestCheckpoint: this.options.latestCheckpoint ?? null,
      checkpointDir: this.checkpointDir,
      config: this.config,
      // The trial asks for its operation, so tests see each ask.
      operation: null,
    });
  }

  /** Stored metric reports (one per group and step), in arrival order. */
  get metrics(): MetricReport[] {
    return this.ledger.all;
  }
  get trainingMetrics(): MetricReport[] {
    return this.metrics.filter((r) => r.group === "training");
  }
  get validationMetrics(): MetricReport[] {
    return this.metrics.filter((r) => r.group === "validation");
  }
  /** Every progress value received, in order. */
  get progress(): number[] {
    return this.events.flatMap((e) => (e.type === "progress" ? [e.progress] : []));
  }
  get completedOperations(): { length: number; searcherMetric: number }[] {
    return this.events.flatMap((e) =>
      e.type === "completedOperation"
        ? [{ length: e.length, searcherMetric: e.searcherMetric }]
        : [],
    );
  }
  get checkpoints(): CheckpointBody[] {
    return this.events.flatMap((e) => (e.type === "checkpoint" ? [e.checkpoint] : []));
  }
  get earlyExits(): EarlyExitBody["reason"][] {
    return this.events.flatMap((e) => (e.type === "earlyExit" ? [e.reason] : []));
  }
  get preemptionAcks(): number {
    return this.events.filter((e) => e.type === "ackPreemption").length;
  }
  get isPreempted(): boolean {
    return this.preempted;
  }

  /** Every request fails (retryably) until `up()`; waiting long polls fail at once. */
  down(): void {
    this.isDown = true;
    const down = new RetryableError("fake master is down");
    this.opWaiters.failAll(down);
    this.preemptionWaiters.failAll(down);
  }
  up(): void {
    this.isDown = false;
  }
  /** The next `count` requests fail retryably; `afterApplying`: each takes effect first (the answer is lost). */
  failNext(count: number, options: { afterApplying?: boolean } = {}): void {
    this.failures = count;
    this.failAfterApplying = options.afterApplying ?? false;
  }
  /** Ask the trial to stop (pause, a higher-priority trial, a promotion wait that must give up its slot). */
  preempt(): void {
    this.preempted = true;
    this.preemptionWaiters.wakeAll();
    this.opWaiters.wakeAll();
  }
  /** The searcher decided on more work for this trial (a promotion). */
  addOp(length: number): void {
    this.ops.push(length);
    this.opWaiters.wakeAll();
  }
  /** The searcher closed this trial: no more operations. */
  closeTrial(): void {
    this.closed = true;
    this.opWaiters.wakeAll();
  }
  /** A newer allocation of this trial took over: everything this one sends is STALE_ALLOCATION. */
  supersede(): void {
    this.superseded = true;
    const stale = new RequestError("STALE_ALLOCATION", "this allocation was superseded");
    this.opWaiters.failAll(stale);
    this.preemptionWaiters.failAll(stale);
  }

  async request(
    method: HttpMethod,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<unknown> {
    await Promise.resolve(); // answers come asynchronously, as over a network
    if (options.signal?.aborted) throw options.signal.reason;
    const record = (outcome: string) => this.requests.push({ method, path, outcome });
    if (this.isDown) {
      record("down");
      throw new RetryableError(`${method} ${path}: fake master is down`);
    }
    if (this.superseded) {
      record("STALE_ALLOCATION");
      refuse("STALE_ALLOCATION", `${method} ${path}: this allocation was superseded`);
    }
    if (this.failures > 0) {
      this.failures -= 1;
      if (this.failAfterApplying)
        await this.route(method, path, wire(body), options.signal).catch(() => undefined);
      record("failed");
      throw new RetryableError(`${method} ${path}: injected failure`);
    }
    try {
      const answer = await this.route(method, path, wire(body), options.signal);
      record("ok");
      return wire(answer);
    } catch (error) {
      record(error instanceof RequestError ? error.code : "failed");
      throw error;
    }
  }

  private get trialId(): number {
    return this.options.trialId ?? 1;
  }
  private get allocationId(): string {
    return this.options.allocationId ?? "allocation-1";
  }
  private get runId(): number {
    return this.options.runId ?? 1;
  }
  private get currentOp(): number | null {
    return this.closed ? null : (this.ops[this.opIndex] ?? null);
  }
  private get trialClosed(): boolean {
    return this.closed || ((this.options.closeAfterOps ?? true) && this.currentOp === null);
  }

  private async route(
    method: HttpMethod,
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const route = parsePushRoute(method, path);
    if (route === null) return refuse("NOT_FOUND", `no route ${method} ${path}`);
    if ("trialId" in route && route.trialId !== this.trialId) {
      refuse("FORBIDDEN", `this token may only push for trial ${this.trialId}`);
    }
    if ("allocationId" in route && route.allocationId !== this.allocationId) {
      refuse("STALE_ALLOCATION", `allocation ${route.allocationId} was superseded`);
    }
    switch (route.name) {
      case "operation": {
        if (this.currentOp === null && !this.trialClosed && !this.preempted) {
          await this.opWaiters.wait(route.waitSeconds * 1000, signal);
        }
        return this.operationAnswer();
      }
      case "completedOperation":
        return this.completeOperation(
          await checked<CompletedOperationBody>("CompletedOperationBody", body),
        );
      case "earlyExit":
        this.accept({
          type: "earlyExit",
          reason: (await checked<EarlyExitBody>("EarlyExitBody", body)).reason,
        });
        this.closeTrial();
        return {};
      case "progress":
        return this.reportProgress(await checked<ProgressBody>("ProgressBody", body));
      case "metrics":
        return this.storeMetrics(await checked<MetricsBody>("MetricsBody", body));
      case "checkpoints":
        return this.registerCheckpoint(await checked<CheckpointBody>("CheckpointBody", body));
      case "bestValidation":
        if (route.experimentId !== (this.options.experimentId ?? 1)) {
          refuse("FORBIDDEN", "another experiment");
        }
        return { metric: this.best };
      case "preemption":
        if (!this.preempted) await this.preemptionWaiters.wait(route.timeoutSeconds * 1000, signal);
        return { preempt: this.preempted };
      case "ackPreemption":
        this.accept({ type: "ackPreemption" });
        return {};
      case "environment":
        return { env: Object.fromEntries(LONG_VARIABLES.map((n) => [n, this.env()[n]])) };
      case "nextTrial": {
        const { checkpoint } = await checked<NextTrialBody>("NextTrialBody", body ?? {});
        if (checkpoint) this.registerCheckpoint(checkpoint);
        // A fake master plays one trial: there is never a next one.
        this.accept({ type: "nextTrial" });
        return { env: null };
      }
    }
  }

  private reportProgress({ progress }: ProgressBody): unknown {
    const op = this.currentOp;
    if (op !== null && progress > op) {
      refuse("BAD_REQUEST", `progress ${progress} is past the current operation (${op})`);
    }
    this.accept({ type: "progress", progress });
    return {};
  }

  private completeOperation({ op, searcherMetric, metrics }: CompletedOperationBody): unknown {
    if (metrics) this.storeMetrics(metrics);
    // As the master does: a completion sent again (its answer lost) is a no-op, also once
    // the next operation is handed out; another metric for that length is refused.
    const done = this.completedOperations.find((o) => o.length === op.length);
    if (done) {
      if (done.searcherMetric === searcherMetric) return this.operationAnswer();
      refuse(
        "OP_MISMATCH",
        `completed length ${done.length} with searcher metric ${done.searcherMetric}, not ${searcherMetric}`,
      );
    }
    if (op.length !== this.currentOp) {
      refuse(
        "OP_MISMATCH",
        `completed ${op.length}, but the current operation is ${this.currentOp}`,
      );
    }
    this.opIndex += 1;
    this.noteSearcherMetric(searcherMetric);
    this.accept({ type: "completedOperation", length: op.length, searcherMetric });
    if (this.options.preemptAt?.afterOperations === this.opIndex) this.preempt();
    this.opWaiters.wakeAll();
    // As the master does: what an ask for the next operation would answer now.
    return this.operationAnswer();
  }

  /** As the master answers: a closed trial is completed; a preempted one gets no work, but `preempt`. */
  private operationAnswer(): OperationResponse {
    const op = this.currentOp;
    if (op === null && this.trialClosed) return { op: null, completed: true };
    if (this.preempted) return { op: null, completed: false, preempt: true };
    return { op: op === null ? null : { length: op }, completed: false };
  }

  /** Stores the reports, then takes the progress the push carries, as the master does. */
  private storeMetrics(body: MetricsBody): { inserted: number } {
    if (body.trialRunId !== this.runId) {
      refuse("STALE_ALLOCATION", `run ${body.trialRunId} was superseded`);
    }
    const fresh = this.ledger.insert(body.reports);
    for (const report of fresh) {
      if (report.group === "validation") {
        this.noteSearcherMetric(ownValue(report.metrics, this.config.searcher.metric));
      }
      this.accept({ type: "metrics", report });
      const at = this.options.preemptAt?.afterMetricsSteps;
      if (at !== undefined && report.stepsCompleted >= at) this.preempt();
    }
    if (body.progress !== undefined) this.reportProgress({ progress: body.progress });
    return { inserted: fresh.length };
  }

  private registerCheckpoint(body: CheckpointBody): unknown {
    if (body.trialId !== this.trialId) refuse("FORBIDDEN", "a checkpoint of another trial");
    if (this.checkpoints.some((c) => c.uuid === body.uuid))
      refuse("CHECKPOINT_EXISTS", `checkpoint ${body.uuid} exists`);
    if (!existsSync(join(this.checkpointDir, body.uuid, "metadata.json"))) {
      refuse("BAD_REQUEST", `checkpoint ${body.uuid} is not in ${this.checkpointDir}`);
    }
    this.accept({ type: "checkpoint", checkpoint: body });
    return {};
  }

  private noteSearcherMetric(value: number | undefined): void {
    if (value === undefined) return;
    const better = this.config.searcher.smaller_is_better
      ? value < (this.best ?? Infinity)
      : value > (this.best ?? -Infinity);
    if (better) this.best = value;
  }

  private accept(event: FakeMasterEvent): void {
    this.events.push(event);
    this.options.onEvent?.(event);
  }
}

/** What crosses a network: JSON (so NaN becomes null, and nobody shares objects). */
function wire(x: unknown): unknown {
  return x === undefined ? undefined : JSON.parse(JSON.stringify(x));
}
