/**
 * `pushtune/searcher`: hyperparameter search as pure reducers (DESIGN §3).
 *
 * The master calls `stepSearcher` with `initialize` first and then with each
 * event as it happens, persisting the events; `replaySearcher` rebuilds the
 * state from them. Snapshots are a shortcut, not the source of truth.
 */

export { formatNumber } from "../protocol/counts.js";
export {
  adaptiveBracketRungs,
  bracketMaxConcurrentTrials,
  bracketMaxTrials,
} from "./adaptive-brackets.js";
export { rungLengths } from "./asha-bracket.js";
export { SearcherEventError } from "./errors.js";
export { formatLength, formatPreview } from "./format-preview.js";
export { gridPoints, gridSize } from "./grid.js";
export { sampleHParams } from "./hparams.js";
export type {
  PreviewBracket,
  PreviewJson,
  PreviewOptions,
  PreviewResult,
  PreviewRung,
  PreviewTrial,
} from "./preview.js";
export { previewJson, previewSearch, previewUnavailable } from "./preview.js";
export { promotionRanks } from "./promotion-ranks.js";
export type { SearcherState, TrialRecord, TrialStatus } from "./searcher.js";
export {
  advanceSearcher,
  newSearcher,
  replaySearcher,
  searcherProgress,
  stepSearcher,
} from "./searcher.js";
export { restoreSearcher, SNAPSHOT_VERSION, snapshotSearcher } from "./snapshot.js";
export type {
  CreateOp,
  ExitedReason,
  RequestId,
  SearcherEvent,
  SearcherOp,
  Step,
} from "./types.js";
export { SEARCHER_RULES } from "./types.js";
