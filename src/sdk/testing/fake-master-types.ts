/** What a `FakeMaster` is told (its options) and what it records (the writes it accepted, the requests it answered). */
import type { CheckpointBody, EarlyExitBody, MetricReport } from "../../protocol/api/push.js";
import type { HParams } from "../../protocol/config/types.js";
import type { ConfigOverrides } from "../experiment-config.js";
import type { HttpMethod } from "../transport.js";

export interface FakeMasterOptions {
  /** The operations' absolute lengths, in the config's unit, handed out in order. Default [100]. */
  ops?: number[];
  /** After the last op: true = the trial is closed; false = it waits (see `addOp`, `closeTrial`). Default true. */
  closeAfterOps?: boolean;
  hparams?: HParams;
  /** A full config, or overrides of a local default one. */
  config?: ConfigOverrides;
  trialId?: number;
  experimentId?: number;
  allocationId?: string;
  runId?: number;
  trialSeed?: number;
  /** The checkpoint the trial resumes from. */
  latestCheckpoint?: string | null;
  /** shared_fs root; a fresh temporary directory by default. */
  checkpointDir?: string;
  /**
   * Ask the trial to stop once a metric report at or past `afterMetricsSteps` arrives, or as it
   * completes its `afterOperations`th operation: the completion's answer says so, as the master's
   * answer does to a trial that must give its slot up while it waits for a promotion.
   */
  preemptAt?: { afterMetricsSteps?: number; afterOperations?: number };
  /** The next k requests fail with a retryable error (see `failNext`). */
  failNextRequests?: number;
  /** The best searcher metric of the other trials of the experiment. */
  bestValidation?: number | null;
  /** Called with every write the fake accepts, as it accepts it. */
  onEvent?: (event: FakeMasterEvent) => void;
}

/** Every write the fake accepted, in order. */
export type FakeMasterEvent =
  | { type: "metrics"; report: MetricReport }
  | { type: "progress"; progress: number }
  | { type: "completedOperation"; length: number; searcherMetric: number }
  | { type: "earlyExit"; reason: EarlyExitBody["reason"] }
  | { type: "checkpoint"; checkpoint: CheckpointBody }
  | { type: "ackPreemption" }
  | { type: "nextTrial" };

export interface FakeRequest {
  method: HttpMethod;
  path: string;
  /** "ok", "down", "failed" (an injected failure) or the error code answered. */
  outcome: string;
}
