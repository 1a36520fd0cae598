/**
 * pushtune: what a trial imports. The core context (`init`) for any training
 * loop, the `Trainer` for those who would rather fill in a class, `trials()`
 * to run trial after trial in one process, and `FakeMaster` to test any of
 * them without a server.
 */

export type { FetchedResponse, FetchLike } from "../protocol/http-request.js";
export type { BackoffOptions } from "./backoff.js";
export type { CheckpointMetadata } from "./checkpoint-storage.js";
export {
  CheckpointNotFoundError,
  CheckpointStoreError,
  METADATA_FILE,
} from "./checkpoint-storage.js";
export type { CheckpointReader, Checkpoints, CheckpointWriter } from "./checkpoints.js";
export type { Context, InitOptions, TrainReports } from "./context.js";
export { init } from "./context.js";
export type { DryRunOptions } from "./dry-run.js";
export type { Env } from "./environment.js";
export {
  InvalidHPError,
  InvalidReportError,
  PreemptedError,
  RequestError,
  RetryableError,
  TrialEnvironmentError,
  UnexpectedResponseError,
} from "./errors.js";
export type { ConfigOverrides } from "./experiment-config.js";
export { localExperimentConfig } from "./experiment-config.js";
export type { Metrics } from "./metrics.js";
export type { Preemption } from "./preemption.js";
export type {
  CreateOperation,
  ExitedReason,
  SearchMethod,
  SearchOperation,
  SearchRunnerOptions,
  SearchState,
} from "./search-runner.js";
export { NondeterministicSearchError, SearchRunner } from "./search-runner.js";
export type { SearcherOperation } from "./searcher-operations.js";
export { FakeMaster } from "./testing/fake-master.js";
export type {
  FakeMasterEvent,
  FakeMasterOptions,
  FakeRequest,
} from "./testing/fake-master-types.js";
export type { FitOptions, FitResult, TrainerHooks } from "./trainer.js";
export { runTrainer, Trainer } from "./trainer.js";
export type { HttpMethod, HttpTransportOptions, RequestOptions, Transport } from "./transport.js";
export { HttpTransport } from "./transport.js";
export { fitTrials, trials } from "./trials.js";
