/**
 * The per-experiment searcher event log. Seqs are handed out from a counter
 * on the experiment row, bumped by an UPDATE: the row lock makes concurrent
 * appends to one experiment take turns, so seqs are 1, 2, 3 … with no gap and
 * no duplicate, and a rolled-back append gives its seq back.
 */
import type { PostedOperation, SearcherEvent } from "../../searcher/types.js";
import type { Db } from "./codec.js";
import { reusedQuery } from "./reused-query.js";
import type { CustomSearcherEventQuery, CustomSearcherEventRow } from "./rows.js";

/** Runs inside the caller's transaction. */
export async function appendSearcherEvent(
  db: Db,
  now: number,
  experimentId: number,
  event: SearcherEvent,
): Promise<number> {
  const { rows } = await reusedQuery(db, "bumpLastEventSeq", [experimentId], (experimentId) =>
    db
      .updateTable("experiments")
      .set((eb) => ({ last_event_seq: eb("last_event_seq", "+", 1) }))
      .where("id", "=", experimentId)
      .returning("last_event_seq"),
  );
  const bumped = rows[0];
  if (!bumped) throw new Error(`experiment ${experimentId} not found`);
  const seq = bumped.last_event_seq;
  const answers = event.type === "operationsPosted" ? event.triggeredBy : null;
  await reusedQuery(
    db,
    "appendSearcherEvent",
    [experimentId, seq, JSON.stringify(event), now, answers] as const,
    (experiment_id, seq, event, created_at, answers) =>
      db.insertInto("searcher_events").values({ experiment_id, seq, event, created_at, answers }),
  );
  return seq;
}

export async function listSearcherEvents(
  db: Db,
  experimentId: number,
  afterSeq = 0,
  limit?: number,
): Promise<{ seq: number; event: SearcherEvent }[]> {
  const query = db
    .selectFrom("searcher_events")
    .select(["seq", "event"])
    .where("experiment_id", "=", experimentId)
    .where("seq", ">", afterSeq)
    .orderBy("seq");
  const rows = await (limit === undefined ? query : query.limit(limit)).execute();
  return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.event) as SearcherEvent }));
}

/**
 * The operations a custom searcher posted in answer to the events fromSeq …
 * toSeq, by the event each answers, in that order (each event has at most one).
 */
export async function listSearcherAnswers(
  db: Db,
  experimentId: number,
  fromSeq: number,
  toSeq: number,
): Promise<{ answers: number; operations: PostedOperation[] }[]> {
  const rows = await db
    .selectFrom("searcher_events")
    .select(["answers", "event"])
    .where("experiment_id", "=", experimentId)
    .where("answers", ">=", fromSeq)
    .where("answers", "<=", toSeq)
    .orderBy("answers")
    .execute();
  return rows.flatMap((row) => {
    const event = JSON.parse(row.event) as SearcherEvent;
    return event.type === "operationsPosted" && row.answers !== null
      ? [{ answers: row.answers, operations: event.operations }]
      : [];
  });
}

/**
 * The events a custom search process reads, seq > after (and ≤ through), the
 * first `limit`: every event but the operations it posted, each joined to the
 * operations posted in answer to it (at most one post answers an event).
 */
function customSearcherEvents(db: Db, q: CustomSearcherEventQuery) {
  const query = db
    .selectFrom("searcher_events as e")
    .leftJoin("searcher_events as a", (join) =>
      join
        .onRef("a.experiment_id", "=", "e.experiment_id")
        .onRef("a.answers", "=", "e.seq")
        .on("a.answers", "is not", null),
    )
    .where("e.experiment_id", "=", q.experimentId)
    .where("e.seq", ">", q.after)
    .where("e.answers", "is", null);
  return (q.through === undefined ? query : query.where("e.seq", "<=", q.through))
    .orderBy("e.seq")
    .limit(q.limit);
}

export async function listCustomSearcherEvents(
  db: Db,
  query: CustomSearcherEventQuery,
): Promise<CustomSearcherEventRow[]> {
  const rows = await customSearcherEvents(db, query)
    .select(["e.seq", "e.event", "a.event as answer"])
    .execute();
  return rows.map((row) => {
    const answer = row.answer === null ? null : (JSON.parse(row.answer) as SearcherEvent);
    return {
      seq: Number(row.seq),
      event: JSON.parse(row.event) as SearcherEvent,
      operations: answer?.type === "operationsPosted" ? answer.operations : null,
    };
  });
}

/**
 * The seqs and sizes (UTF-8 bytes of the event and of its answer, as stored)
 * of what `listCustomSearcherEvents` gives for the same arguments, without
 * reading either: what a reader sizes a page by before it reads it.
 */
export async function listCustomSearcherEventSizes(
  db: Db,
  query: CustomSearcherEventQuery,
): Promise<{ id: number; bytes: number }[]> {
  const rows = await customSearcherEvents(db, query)
    .select((eb) => [
      "e.seq",
      eb.fn<number>("octet_length", ["e.event"]).as("event"),
      eb.fn<number | null>("octet_length", ["a.event"]).as("answer"),
    ])
    .execute();
  return rows.map((r) => ({ id: Number(r.seq), bytes: Number(r.event) + Number(r.answer ?? 0) }));
}
