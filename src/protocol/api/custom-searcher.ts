/**
 * The custom searcher's API: a user's search process reads the experiment's
 * searcher events and posts operations in answer (Determined's custom
 * searcher, over the push API's conventions). Event ids are the seqs of the
 * experiment's event log: increasing, with gaps where the log holds what the
 * process itself posted.
 */
import { type Static, Type } from "typebox";
import { FiniteNumber, MAX_STORED_INTEGER, StoredInteger } from "./common.js";

export const SearcherEventsQuery = Type.Object({
  /** Events with an id greater than this (0: from the start). */
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_STORED_INTEGER })),
  /** Wait up to this long for an event when there is none yet; answers the moment one arrives. */
  waitSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
  /** At most this many events per answer (default 1000). */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
export type SearcherEventsQuery = Static<typeof SearcherEventsQuery>;

const RequestId = Type.Integer({ minimum: 1, maximum: MAX_STORED_INTEGER });
const HParamsSchema = Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.Unknown(), {
  maxProperties: 1000,
});

export const CreateOperation = Type.Object(
  {
    type: Type.Literal("create"),
    /** The request id the new trial gets: the next one (1 for the first trial, then 2, …). */
    requestId: RequestId,
    hparams: HParamsSchema,
  },
  { additionalProperties: false },
);

export const ValidateAfterOperation = Type.Object(
  {
    type: Type.Literal("validateAfter"),
    requestId: RequestId,
    /** Absolute, in the config's unit: train until the trial's total length is this, then validate. */
    length: StoredInteger(1),
  },
  { additionalProperties: false },
);

export const CloseOperation = Type.Object(
  { type: Type.Literal("close"), requestId: RequestId },
  { additionalProperties: false },
);

export const ShutdownOperation = Type.Object(
  {
    type: Type.Literal("shutdown"),
    /** The experiment ends CANCELED instead of COMPLETED. */
    cancel: Type.Optional(Type.Boolean()),
    /** The experiment ends in ERROR. */
    failure: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SearcherOperation = Type.Union([
  CreateOperation,
  ValidateAfterOperation,
  CloseOperation,
  ShutdownOperation,
]);
export type SearcherOperation = Static<typeof SearcherOperation>;

const eventBase = {
  id: Type.Integer({ minimum: 1 }),
  /**
   * The operations the master accepted in answer to this event, or null when
   * none were posted for it (a search process that restarts and replays the
   * events knows by this what it already posted).
   */
  operations: Type.Union([Type.Array(SearcherOperation), Type.Null()]),
};

export const CustomSearcherEvent = Type.Union([
  Type.Object({ ...eventBase, type: Type.Literal("initialOperations") }),
  Type.Object({ ...eventBase, type: Type.Literal("trialCreated"), requestId: RequestId }),
  Type.Object({
    ...eventBase,
    type: Type.Literal("validationCompleted"),
    requestId: RequestId,
    metric: FiniteNumber,
    /** The length the validation was taken at (the validateAfter's). */
    length: Type.Integer(),
  }),
  Type.Object({
    ...eventBase,
    type: Type.Literal("trialProgress"),
    requestId: RequestId,
    /** How far the trial has trained, as an absolute length. */
    length: Type.Number(),
  }),
  Type.Object({ ...eventBase, type: Type.Literal("trialClosed"), requestId: RequestId }),
  Type.Object({
    ...eventBase,
    type: Type.Literal("trialExitedEarly"),
    requestId: RequestId,
    reason: Type.Union([
      Type.Literal("INVALID_HP"),
      Type.Literal("ERRORED"),
      Type.Literal("USER_CANCELED"),
    ]),
  }),
]);
export type CustomSearcherEvent = Static<typeof CustomSearcherEvent>;

/**
 * The next page is the events after the last event's id. `truncated`: the
 * page stopped short of `limit` events to stay within PAGE_BYTES of events
 * and the operations answering them (it holds at least one), and more events
 * are there to read at once. An event always comes with its whole answer.
 */
export const SearcherEventsResponse = Type.Object({
  events: Type.Array(CustomSearcherEvent),
  truncated: Type.Boolean(),
  /**
   * The search is over (a Shutdown was accepted, or the experiment is
   * stopping or ended): no more operations are accepted; the events so far
   * are still readable.
   */
  searchOver: Type.Boolean(),
  /**
   * The experiment has ended (COMPLETED, CANCELED or ERROR): no event will
   * follow. A search process reads on until then (after a Shutdown, the
   * trials' last events still come) and then exits.
   */
  ended: Type.Boolean(),
  experimentState: Type.String(),
});
export type SearcherEventsResponse = Static<typeof SearcherEventsResponse>;

export const PostOperationsBody = Type.Object(
  {
    /**
     * The id of the last event the poster had seen when it decided these
     * operations. Each event is answered at most once: a repeat of the same
     * answer is a no-op, any other answer to it or to an earlier event is
     * STALE_SEARCHER_EVENT.
     */
    lastEventId: Type.Integer({ minimum: 1, maximum: MAX_STORED_INTEGER }),
    operations: Type.Array(SearcherOperation, { maxItems: 10_000 }),
    /** The search's own progress in [0, 1]; the experiment's progress never goes down. */
    progress: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type PostOperationsBody = Static<typeof PostOperationsBody>;

export const PostOperationsResponse = Type.Object({
  /** false: the same operations had already been accepted for this event; nothing changed. */
  applied: Type.Boolean(),
});
export type PostOperationsResponse = Static<typeof PostOperationsResponse>;
