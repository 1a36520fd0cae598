/**
 * The push API of DESIGN §4 as typed calls over a `Transport`. Answers are
 * checked to the shared protocol schemas (`answers.ts`), so nothing untyped
 * leaves here.
 */
import type {
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  MetricReport,
  MetricsBody,
  OperationResponse,
  ProgressBody,
} from "../protocol/api/push.js";
import {
  isBestMetricResponse,
  isEnvironmentResponse,
  isNextTrialResponse,
  isOperationResponse,
  isPreemptionResponse,
} from "./answers.js";
import { UnexpectedResponseError } from "./errors.js";
import type { PushItem } from "./push-queue.js";
import type { Transport } from "./transport.js";

export interface TrialIdentity {
  trialId: number;
  experimentId: number;
  allocationId: string;
  runId: number;
}

/** Extra seconds a long poll's HTTP timeout gets beyond the wait the master was asked for. */
const LONG_POLL_GRACE_MS = 15_000;

/** The answer ends this run of the trial: the trial is closed, or must stop (`preempt: true`). */
function endsRun(answer: OperationResponse): boolean {
  return answer.completed || answer.preempt === true;
}

export class PushApi {
  /**
   * What an ask for the next operation would get, as the master already
   * answered it: to the completion of operation `length`, or (length 0) when
   * it started the trial (PUSHTUNE_OPERATION).
   */
  private afterCompletion: { length: number; answer: OperationResponse } | null;

  constructor(
    private readonly transport: Transport,
    readonly identity: TrialIdentity,
    /** The trial's operation as the master gave it with the trial, if it did. */
    firstOperation: OperationResponse | null = null,
  ) {
    this.afterCompletion = firstOperation && { length: 0, answer: firstOperation };
  }

  async operation(waitSeconds: number, signal?: AbortSignal): Promise<OperationResponse> {
    const path = `/trials/${this.identity.trialId}/searcher/operation?waitSeconds=${waitSeconds}`;
    const answer = await this.transport.request("GET", path, undefined, {
      signal,
      timeoutMs: waitSeconds * 1000 + LONG_POLL_GRACE_MS,
    });
    return checked(isOperationResponse, answer, path);
  }

  /**
   * The master's answer to the completion of operation `length`, when it
   * decided there (the next operation, or the trial's end): an ask for the
   * next operation need not be sent. Taken once.
   */
  takeDecisionAfterCompletion(length: number): OperationResponse | null {
    const known = this.afterCompletion;
    if (known === null || known.length !== length) return null;
    this.afterCompletion = null;
    const { answer } = known;
    return endsRun(answer) || (answer.op !== null && answer.op.length > length) ? answer : null;
  }

  /** Whether the master answered the completion of operation `length` with the trial's end, or with a stop. */
  completionEndedRun(length: number): boolean {
    const known = this.afterCompletion;
    return known?.length === length && endsRun(known.answer);
  }

  /** Long poll: true once the master wants this allocation to stop. */
  async preemption(timeoutSeconds: number, signal?: AbortSignal): Promise<boolean> {
    const path = `/allocations/${encodeURIComponent(this.identity.allocationId)}/signals/preemption?timeoutSeconds=${timeoutSeconds}`;
    const answer = await this.transport.request("GET", path, undefined, {
      signal,
      timeoutMs: timeoutSeconds * 1000 + LONG_POLL_GRACE_MS,
    });
    return checked(isPreemptionResponse, answer, path).preempt;
  }

  /** The allocation's variables a launcher may leave out of its process's environment (LONG_VARIABLES). */
  async environment(signal?: AbortSignal): Promise<Record<string, string>> {
    const path = `/allocations/${encodeURIComponent(this.identity.allocationId)}/environment`;
    const answer = await this.transport.request("GET", path, undefined, { signal });
    return checked(isEnvironmentResponse, answer, path).env;
  }

  async bestValidation(signal?: AbortSignal): Promise<number | null> {
    const path = `/experiments/${this.identity.experimentId}/searcher/best_searcher_validation_metric`;
    const answer = await this.transport.request("GET", path, undefined, { signal });
    return checked(isBestMetricResponse, answer, path).metric;
  }

  /**
   * This allocation's trial is done and its process can take another: the
   * environment of the next trial it runs, or null when there is none.
   * `checkpoint`: the report of the trial's last checkpoint, registered first.
   */
  async nextTrial(
    checkpoint?: CheckpointBody,
    signal?: AbortSignal,
  ): Promise<Record<string, string> | null> {
    const path = `/allocations/${encodeURIComponent(this.identity.allocationId)}/next_trial`;
    const body = checkpoint ? { checkpoint } : {};
    const answer = await this.transport.request("POST", path, body, { signal });
    return checked(isNextTrialResponse, answer, path).env;
  }

  /**
   * Sends one request: a queued push, or two that ride together (a metrics
   * batch and the progress or completion next to it, `rideTogether`). Every
   * write of the SDK goes through here.
   */
  async send(items: PushItem[]): Promise<void> {
    const [first, second] = items;
    if (first === undefined) return;
    if (second === undefined) return this.sendOne(first, null);
    const [batch, item] = first.kind === "metrics" ? [first, second] : [second, first];
    if (
      items.length > 2 ||
      batch.kind !== "metrics" ||
      (item.kind !== "progress" && item.kind !== "completedOperation")
    ) {
      throw new Error(`one request cannot carry ${items.map((i) => i.kind).join(" and ")}`);
    }
    return this.sendOne(item, this.metricsBody(batch.reports));
  }

  /** Sends `item`; `metrics`: reports the master stores first, in the same request. */
  private async sendOne(item: PushItem, metrics: MetricsBody | null): Promise<void> {
    const trial = `/trials/${this.identity.trialId}`;
    switch (item.kind) {
      case "metrics":
        await this.post(`${trial}/metrics`, this.metricsBody(item.reports));
        return;
      case "progress":
        if (metrics) await this.post(`${trial}/metrics`, { ...metrics, progress: item.progress });
        else
          await this.post(`${trial}/progress`, { progress: item.progress } satisfies ProgressBody);
        return;
      case "completedOperation": {
        const body: CompletedOperationBody = metrics ? { ...item.body, metrics } : item.body;
        const answer = await this.transport.request(
          "POST",
          `${trial}/searcher/completed_operation`,
          body,
        );
        // A master that answers nothing here is asked, as before.
        this.afterCompletion = isOperationResponse(answer)
          ? { length: item.body.op.length, answer }
          : null;
        return;
      }
      case "earlyExit":
        await this.post(`${trial}/early_exit`, item.body satisfies EarlyExitBody);
        return;
      case "checkpoint":
        await this.post("/checkpoints", item.body satisfies CheckpointBody);
        return;
      case "ackPreemption":
        await this.post(
          `/allocations/${encodeURIComponent(this.identity.allocationId)}/signals/ack_preemption`,
          {},
        );
        return;
      default:
        assertNever(item);
    }
  }

  private metricsBody(reports: MetricReport[]): MetricsBody {
    return { reports, trialRunId: this.identity.runId };
  }

  private async post(path: string, body: object): Promise<void> {
    await this.transport.request("POST", path, body);
  }
}

function checked<T>(isValid: (x: unknown) => x is T, answer: unknown, path: string): T {
  if (isValid(answer)) return answer;
  throw new UnexpectedResponseError(
    `${path}: unexpected answer ${JSON.stringify(answer)?.slice(0, 200)}`,
    answer,
  );
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
