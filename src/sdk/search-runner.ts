/**
 * A custom search process: `SearchRunner` runs a user's `SearchMethod`
 * against an experiment with `searcher.name: custom`, reading its searcher
 * events and posting the operations the method answers with.
 *
 * Restartable at any point, with no state file: the master's event log is the
 * only record. A runner starts by reading the events from the first one and
 * feeding every one of them to a fresh method; each event comes with the
 * operations the master already accepted in answer to it, and for those the
 * runner posts nothing (it checks that the method decided the same, so a
 * method that is not deterministic is caught rather than silently diverging).
 * The first event with no answer is where the previous process stopped: its
 * operations are posted then. A post whose answer was lost is sent again and
 * the master treats the repeat as a no-op; so no operation is repeated or lost.
 *
 * The method must therefore be deterministic given the events: seed any
 * randomness of its own (or derive it from the request ids).
 *
 * A page of events may stop short (`truncated`: the master bounds a page in
 * bytes): the runner reads on after its last event at once, and ends only at
 * an empty page of an ended experiment. Operations answer the event they were
 * decided on; progress alone is posted once the runner has read what there is.
 */
import type {
  PostOperationsResponse,
  SearcherEventsResponse,
  SearcherOperation,
} from "../protocol/api/custom-searcher.js";
import { canonicalJson } from "../protocol/canonical-json.js";
import { backoffDelay, sleep } from "./backoff.js";
import { RequestError, RetryableError } from "./errors.js";
import { HttpTransport, type Transport } from "./transport.js";

export type SearchOperation = SearcherOperation;
export type CreateOperation = Extract<SearchOperation, { type: "create" }>;
export type ExitedReason = "INVALID_HP" | "ERRORED" | "USER_CANCELED";
type Ops = SearchOperation[] | Promise<SearchOperation[]>;

/** What the runner knows of the search, kept up to date from the events. */
export interface SearchState {
  /** Request ids of the trials created so far. */
  readonly trialsCreated: ReadonlySet<number>;
  /** Request ids of the trials that have ended (closed, or exited early). */
  readonly trialsClosed: ReadonlySet<number>;
  /** Request ids of the trials that exited early. */
  readonly failures: ReadonlySet<number>;
  /** How far each trial has trained, as an absolute length. */
  readonly trialProgress: ReadonlyMap<number, number>;
  /**
   * A Create operation for a new trial, with the next request id (1, 2, …):
   * return it among the operations, and use its `requestId` in the trial's
   * validateAfter and close.
   */
  create(hparams: Record<string, unknown>): CreateOperation;
}

/** A user's search logic (Determined's SearchMethod); each hook answers with operations. */
export interface SearchMethod {
  initialOperations(state: SearchState): Ops;
  onTrialCreated(state: SearchState, requestId: number): Ops;
  onValidationCompleted(state: SearchState, requestId: number, metric: number, length: number): Ops;
  onTrialClosed(state: SearchState, requestId: number): Ops;
  onTrialExitedEarly(state: SearchState, requestId: number, reason: ExitedReason): Ops;
  /** The search's progress in [0, 1], posted with the operations. */
  progress(state: SearchState): number;
}

export interface SearchRunnerOptions {
  experimentId: number;
  /** The master's address (`PUSHTUNE_MASTER`) and a user token of the experiment's owner (`PUSHTUNE_TOKEN`). */
  master?: string;
  token?: string;
  /** Instead of master and token (tests). */
  transport?: Transport;
  /** How long each long poll for events waits. Default 60 s. */
  waitSeconds?: number;
  /** Called for each event, before the method sees it (logging). */
  onEvent?(event: SearcherEventsResponse["events"][number], replayed: boolean): void;
}

/** The method decided differently from what the master accepted from it before. */
export class NondeterministicSearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NondeterministicSearchError";
  }
}

class RunnerState implements SearchState {
  readonly trialsCreated = new Set<number>();
  readonly trialsClosed = new Set<number>();
  readonly failures = new Set<number>();
  readonly trialProgress = new Map<number, number>();
  /** The request id `create` gives next; reset to what was posted after each event. */
  nextRequestId = 1;
  /** Creates in the operations answered so far. */
  created = 0;

  create(hparams: Record<string, unknown>): CreateOperation {
    return { type: "create", requestId: this.nextRequestId++, hparams };
  }
}

/** The hook each event is handed to, to name it when its answer is not a list. */
const HOOKS: Record<SearcherEventsResponse["events"][number]["type"], string> = {
  initialOperations: "initialOperations",
  trialCreated: "onTrialCreated",
  validationCompleted: "onValidationCompleted",
  trialProgress: "(no hook)",
  trialClosed: "onTrialClosed",
  trialExitedEarly: "onTrialExitedEarly",
};

/**
 * Shutdown's defaults spelled out, as the master records operations. A hook
 * that answers anything but a list (a forgotten `return []`) is named, rather
 * than failing on reading it.
 */
function normalised(
  ops: SearchOperation[],
  event: SearcherEventsResponse["events"][number],
): SearchOperation[] {
  if (!Array.isArray(ops))
    throw new TypeError(
      `the search method's ${HOOKS[event.type]} answered ${ops === undefined ? "undefined" : JSON.stringify(ops)} for event ${event.id} (${event.type}): a hook returns a list of operations, [] for none`,
    );
  return ops.map((op) =>
    op.type === "shutdown"
      ? { type: "shutdown", cancel: op.cancel ?? false, failure: op.failure ?? false }
      : op,
  );
}

export class SearchRunner {
  private readonly transport: Transport;
  private readonly state = new RunnerState();
  private lastProgress = 0;
  /** A Shutdown was posted (or found posted): nothing more is posted. */
  private over = false;

  constructor(
    private readonly method: SearchMethod,
    private readonly options: SearchRunnerOptions,
  ) {
    if (options.transport) {
      this.transport = options.transport;
    } else {
      const master = options.master ?? process.env.PUSHTUNE_MASTER;
      const token = options.token ?? process.env.PUSHTUNE_TOKEN;
      if (!master || !token)
        throw new Error(
          "SearchRunner needs the master's address and a user token: pass master and token, or set PUSHTUNE_MASTER and PUSHTUNE_TOKEN",
        );
      this.transport = new HttpTransport({ master, token });
    }
  }

  /** Runs until the search is over; resolves with the experiment's final state. */
  async run(signal?: AbortSignal): Promise<string> {
    const id = this.options.experimentId;
    const waitSeconds = this.options.waitSeconds ?? 60;
    let after = 0;
    /** The last event read that the method answered with no operation, its progress not posted. */
    let quiet: number | null = null;
    for (;;) {
      const page = (await this.retrying(
        () =>
          this.transport.request(
            "GET",
            `/experiments/${id}/searcher/events?after=${after}&waitSeconds=${waitSeconds}`,
            undefined,
            { timeoutMs: (waitSeconds + 30) * 1000, ...(signal ? { signal } : {}) },
          ),
        signal,
      )) as SearcherEventsResponse;
      for (const event of page.events) {
        this.options.onEvent?.(event, event.operations !== null);
        const ops = normalised(await this.decide(event), event);
        if (event.operations !== null) {
          if (canonicalJson(ops) !== canonicalJson(event.operations))
            throw new NondeterministicSearchError(
              `for event ${event.id} (${event.type}) the search method decided ${JSON.stringify(ops)}, but earlier it decided ${JSON.stringify(event.operations)}: a SearchMethod must decide the same given the same events`,
            );
        } else if (ops.length > 0) {
          await this.post(event.id, ops, signal);
        }
        quiet = event.operations === null && ops.length === 0 ? event.id : null;
        if (ops.some((o) => o.type === "shutdown")) this.over = true;
        this.state.created += ops.filter((o) => o.type === "create").length;
        this.state.nextRequestId = this.state.created + 1;
        after = event.id;
      }
      // Progress alone waits for the events that follow at once: a page cut short has more.
      if (quiet !== null && !page.truncated) {
        await this.post(quiet, [], signal);
        quiet = null;
      }
      if (page.ended && page.events.length === 0) return page.experimentState;
    }
  }

  private decide(event: SearcherEventsResponse["events"][number]): Ops {
    const s = this.state;
    switch (event.type) {
      case "initialOperations":
        return this.method.initialOperations(s);
      case "trialCreated":
        s.trialsCreated.add(event.requestId);
        return this.method.onTrialCreated(s, event.requestId);
      case "validationCompleted":
        s.trialProgress.set(event.requestId, event.length);
        return this.method.onValidationCompleted(s, event.requestId, event.metric, event.length);
      case "trialProgress":
        s.trialProgress.set(event.requestId, event.length);
        return [];
      case "trialClosed":
        s.trialsClosed.add(event.requestId);
        return this.method.onTrialClosed(s, event.requestId);
      case "trialExitedEarly":
        s.trialsClosed.add(event.requestId);
        s.failures.add(event.requestId);
        return this.method.onTrialExitedEarly(s, event.requestId, event.reason);
    }
  }

  /** Posts the answer to an event: its operations, or only the progress when it moved. */
  private async post(eventId: number, operations: SearchOperation[], signal?: AbortSignal) {
    if (this.over) return;
    const progress = Math.min(Math.max(this.method.progress(this.state), 0), 1);
    if (operations.length === 0 && !(progress > this.lastProgress + 1e-3)) return;
    const body = { lastEventId: eventId, operations, progress };
    const path = `/experiments/${this.options.experimentId}/searcher/operations`;
    try {
      (await this.retrying(
        () => this.transport.request("POST", path, body, signal ? { signal } : {}),
        signal,
      )) as PostOperationsResponse;
    } catch (err) {
      // Ended from outside (killed, canceled): the events that follow say so, and the run ends.
      if (err instanceof RequestError && err.code === "SEARCH_OVER") {
        this.over = true;
        return;
      }
      throw err;
    }
    this.lastProgress = Math.max(this.lastProgress, progress);
  }

  /** Retries what failed on the way (network, master restarting); a 4xx is the caller's. */
  private async retrying(call: () => Promise<unknown>, signal?: AbortSignal): Promise<unknown> {
    for (let failures = 1; ; failures++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        await sleep(err.retryAfterMs ?? backoffDelay(failures), signal);
      }
    }
  }
}
