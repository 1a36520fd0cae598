/**
 * The custom searcher's two calls: a user's search process reads the
 * experiment's searcher events (a long poll) and posts operations in answer.
 *
 * Fencing and idempotency, as on the trial side: a post names the last event
 * its poster had seen, and each event is answered at most once, in order. A
 * post repeating the answer already accepted for an event is a no-op (its
 * first answer was lost on the way); any other post for an event at or before
 * the last one answered is STALE_SEARCHER_EVENT — a second search process, or
 * a restarted one that decided differently, can never apply operations twice.
 * The posts are logged as `operationsPosted` events, so a restarted master
 * replays them with the rest.
 */
import type {
  CustomSearcherEvent,
  PostOperationsBody,
  PostOperationsResponse,
  SearcherEventsResponse,
  SearcherOperation,
} from "../../protocol/api/custom-searcher.js";
import { ApiError } from "../../protocol/api/errors.js";
import { canonicalJson } from "../../protocol/canonical-json.js";
import type { HParams } from "../../protocol/config/types.js";
import { checkOperations } from "../../searcher/custom-search.js";
import { BEFORE_SHUTDOWN_MAX } from "../../searcher/progress.js";
import { assertNever, type PostedOperation, type SearcherEvent } from "../../searcher/types.js";
import { isTerminal } from "../domain/run-state.js";
import type { ExperimentRow, Store } from "../storage/store.js";
import type { MasterContext } from "./context.js";
import { experimentKey } from "./effects.js";
import { type Principal, requireExperimentOwner } from "./principal.js";
import { sizedPage } from "./sized-page.js";

const DEFAULT_LIMIT = 1000;

const searchGoesOn = (exp: ExperimentRow) => exp.state === "ACTIVE" || exp.state === "PAUSED";

/** A posted operation with its defaults filled in, as the searcher logs it. */
function posted(op: SearcherOperation): PostedOperation {
  switch (op.type) {
    case "create":
      return { type: "create", requestId: op.requestId, hparams: op.hparams as HParams };
    case "validateAfter":
    case "close":
      return op;
    case "shutdown":
      return { type: "shutdown", cancel: op.cancel ?? false, failure: op.failure ?? false };
    default:
      return assertNever(op);
  }
}

/** The event as the search process sees it, or null for what it posted itself. */
function visible(id: number, event: SearcherEvent): CustomSearcherEvent | null {
  const operations = null;
  switch (event.type) {
    case "initialize":
      return { id, operations, type: "initialOperations" };
    case "operationsPosted":
      return null;
    case "trialCreated":
    case "trialClosed":
      return { id, operations, type: event.type, requestId: event.requestId };
    case "validationCompleted":
      return {
        id,
        operations,
        type: event.type,
        requestId: event.requestId,
        metric: event.metric,
        length: event.length,
      };
    case "trialProgress":
      return { id, operations, type: event.type, requestId: event.requestId, length: event.length };
    case "trialExitedEarly":
      return { id, operations, type: event.type, requestId: event.requestId, reason: event.reason };
    default:
      return assertNever(event);
  }
}

/** The operations accepted in answer to event `id`, or null. */
async function answerTo(
  tx: Store,
  experimentId: number,
  id: number,
): Promise<PostedOperation[] | null> {
  const [answer] = await tx.listSearcherAnswers(experimentId, id, id);
  return answer?.operations ?? null;
}

/**
 * Up to `limit` events after `after`, each with the operations accepted in
 * answer to it, within PAGE_BYTES of stored events and answers (at least one
 * event; `truncated` when it stopped short). An event and its answer are
 * sized, read and sent together: a page never shows an answered event as
 * unanswered.
 */
async function eventPage(
  store: Store,
  experimentId: number,
  after: number,
  limit: number,
): Promise<{ events: CustomSearcherEvent[]; truncated: boolean }> {
  const { rows, truncated } = await sizedPage(
    await store.listCustomSearcherEventSizes({ experimentId, after, limit }),
    false,
    (from, through) =>
      store.listCustomSearcherEvents({ experimentId, after: from, limit, through }),
  );
  const events = rows.flatMap(({ seq, event, operations }) => {
    const shown = visible(seq, event);
    return shown ? [{ ...shown, operations }] : [];
  });
  return { events, truncated };
}

export class CustomSearcherService {
  constructor(private readonly ctx: MasterContext) {}

  /** The experiment, if `principal` may drive its search (`what` it asked to do, if not). */
  private async owned(
    principal: Principal,
    experimentId: number,
    what: string,
  ): Promise<ExperimentRow> {
    const exp = await this.ctx.store.getExperiment(experimentId);
    if (!exp) throw new ApiError("EXPERIMENT_NOT_FOUND", `no experiment ${experimentId}`);
    requireExperimentOwner(principal, exp, what);
    return exp;
  }

  /**
   * Events after `after`, each with the operations accepted in answer to it.
   * With none yet and the experiment not ended, waits up to `waitSeconds` and
   * answers the moment one is logged.
   */
  async events(
    principal: Principal,
    experimentId: number,
    query: { after?: number; waitSeconds?: number; limit?: number },
    signal?: AbortSignal,
  ): Promise<SearcherEventsResponse> {
    await this.owned(principal, experimentId, "read its searcher events");
    const after = query.after ?? 0;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const deadline = Date.now() + (query.waitSeconds ?? 0) * 1000;
    for (;;) {
      // Parked before reading, so an event logged in between still wakes this poll.
      const parked = new AbortController();
      const stopParking = () => parked.abort();
      signal?.addEventListener("abort", stopParking, { once: true });
      const woke = this.ctx.notifier.wait(
        experimentKey(experimentId),
        deadline - Date.now(),
        parked.signal,
      );
      const exp = await this.ctx.store.getExperiment(experimentId);
      if (!exp) throw new ApiError("EXPERIMENT_NOT_FOUND", `no experiment ${experimentId}`);
      const { events, truncated } = await eventPage(this.ctx.store, experimentId, after, limit);
      const answer = {
        events,
        truncated,
        searchOver: !searchGoesOn(exp),
        ended: isTerminal(exp.state),
        experimentState: exp.state,
      };
      if (events.length > 0 || answer.ended || Date.now() >= deadline || signal?.aborted) {
        stopParking();
        signal?.removeEventListener("abort", stopParking);
        return answer;
      }
      const notified = await woke;
      signal?.removeEventListener("abort", stopParking);
      if (!notified) return answer;
    }
  }

  /** Applies operations posted in answer to event `lastEventId` (see the file's comment). */
  async postOperations(
    principal: Principal,
    experimentId: number,
    body: PostOperationsBody,
  ): Promise<PostOperationsResponse> {
    await this.owned(principal, experimentId, "post its searcher operations");
    const operations = body.operations.map(posted);
    const eventId = body.lastEventId;
    return this.ctx.transact(experimentId, async (tx, exp, effects) => {
      if (exp.config.searcher.name !== "custom")
        throw new ApiError(
          "NOT_CUSTOM_SEARCHER",
          `experiment ${experimentId} runs the ${exp.config.searcher.name} searcher; operations are posted only to searcher.name: custom`,
        );
      const searcher = await this.ctx.driver.searcher(tx, exp);
      if (searcher.method.kind !== "custom")
        throw new Error("a custom experiment without a custom searcher");
      const lastAnswered = searcher.method.lastAnswered;
      if (operations.length > 0 && eventId <= lastAnswered) {
        const earlier = await answerTo(tx, experimentId, eventId);
        if (earlier !== null && canonicalJson(earlier) === canonicalJson(operations))
          return { applied: false };
        throw new ApiError(
          "STALE_SEARCHER_EVENT",
          earlier === null
            ? `operations were already accepted for event ${lastAnswered}, after event ${eventId}: read the events after ${lastAnswered} and answer those`
            : `event ${eventId} was already answered with other operations`,
          { lastEventId: eventId, lastAnswered },
        );
      }
      if (!searchGoesOn(exp) || searcher.phase === "shutdown")
        throw new ApiError(
          "SEARCH_OVER",
          `the search of experiment ${experimentId} is over (${exp.state}); it takes no more operations`,
        );
      // Progress alone is fenced too: it answers an event the search process has read.
      const [row] = await tx.listSearcherEvents(experimentId, eventId - 1, 1);
      if (row?.seq !== eventId || visible(row.seq, row.event) === null)
        throw new ApiError(
          "INVALID_OPERATION",
          `lastEventId: ${eventId} is not the id of an event this experiment's searcher has sent`,
        );
      if (operations.length > 0) {
        const { problems } = checkOperations(
          exp.config,
          searcher.trials,
          searcher.nextRequestId,
          operations,
        );
        if (problems.length > 0)
          throw new ApiError("INVALID_OPERATION", problems.join("; "), { problems });
        const event = { type: "operationsPosted" as const, triggeredBy: eventId, operations };
        await this.ctx.driver.apply(tx, exp, event, effects);
      }
      if (body.progress !== undefined) {
        const now = (await tx.getExperiment(experimentId))!;
        const progress = Math.min(body.progress, BEFORE_SHUTDOWN_MAX);
        if (progress > now.progress) await tx.updateExperiment(experimentId, { progress });
      }
      return { applied: true };
    });
  }
}
