/**
 * An event the searcher cannot accept: it names a trial that was never
 * created, arrives before `initialize`, or reports a validation that doesn't
 * match the trial's operation. The master checks these before it persists an
 * event, so one reaching the searcher is a bug in the caller.
 */
export class SearcherEventError extends Error {
  readonly code = "INVALID_SEARCHER_EVENT";

  constructor(message: string) {
    super(message);
    this.name = "SearcherEventError";
  }
}
