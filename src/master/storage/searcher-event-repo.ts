/**
 * The per-experiment searcher event log. Seqs are handed out from a counter
 * on the experiment row, bumped by an UPDATE: the row lock makes concurrent
 * appends to one experiment take turns, so seqs are 1, 2, 3 … with no gap and
 * no duplicate, and a rolled-back append gives its seq back.
 */
import type { PostedOperation, SearcherEvent } from "../../searcher/types.js";
import type { Db } from "./codec.js";
import { reusedQuery } from "./reused-query.js";

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
