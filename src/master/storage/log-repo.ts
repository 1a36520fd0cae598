/** Trial logs: lines in id order, read with cursors or from the tail. */
import type { Selectable } from "kysely";
import { chunks, type Db, fromDate, toDate } from "./codec.js";
import type { TrialLogsTable } from "./schema.js";
import type { LogLine, LogQuery } from "./store.js";

/** NUL, or a surrogate not part of a pair (with the `u` flag a pair is one character). */
const UNSTORABLE = /\0|[\uD800-\uDFFF]/u;
const UNSTORABLE_ALL = /\0|[\uD800-\uDFFF]/gu;

/** 6 parameters a row. */
const INSERT_CHUNK = 1000;

function toLogLine(row: Selectable<TrialLogsTable>): LogLine {
  return {
    id: row.id,
    trialId: row.trial_id,
    allocationId: row.allocation_id,
    time: toDate(row.time),
    stream: row.stream as LogLine["stream"],
    line: row.line,
  };
}

/**
 * Runs inside the caller's transaction. NUL characters, which PostgreSQL text
 * cannot hold, and lone UTF-16 surrogates, which no UTF-8 holds (SQLite kept
 * one as three U+FFFD, PostgreSQL as one), become U+FFFD on both dialects so
 * both store the same lines. A trial's output is never refused for them.
 */
export async function addLogs(db: Db, lines: Omit<LogLine, "id">[]): Promise<void> {
  if (lines.length === 0) return;
  const rows = lines.map((l) => ({
    trial_id: l.trialId,
    allocation_id: l.allocationId,
    time: fromDate(l.time),
    stream: l.stream,
    line: UNSTORABLE.test(l.line) ? l.line.replace(UNSTORABLE_ALL, "\uFFFD") : l.line,
  }));
  for (const chunk of chunks(rows, INSERT_CHUNK)) {
    await db.insertInto("trial_logs").values(chunk).execute();
  }
}

/**
 * Lines with id > after (and ≤ through), oldest first, at most `limit`. With `tail`, the
 * newest `tail` of those lines (still oldest first): what `logs --tail N` shows
 * before it follows with `after` = the last id.
 */
export async function listLogs(db: Db, query: LogQuery): Promise<LogLine[]> {
  const limit = query.tail === undefined ? query.limit : Math.min(query.limit, query.tail);
  if (limit <= 0) return [];
  let select = db.selectFrom("trial_logs").selectAll().where("trial_id", "=", query.trialId);
  if (query.after !== undefined) select = select.where("id", ">", query.after);
  if (query.through !== undefined) select = select.where("id", "<=", query.through);
  if (query.tail === undefined) {
    return (await select.orderBy("id").limit(limit).execute()).map(toLogLine);
  }
  const newest = await select.orderBy("id", "desc").limit(limit).execute();
  return newest.reverse().map(toLogLine);
}

/**
 * The ids and sizes (UTF-8 bytes) of the lines `listLogs` would give for the
 * same query, in the same order, without the lines themselves: what a reader
 * sizes a page by before it reads it. `octet_length` (both dialects) takes a
 * line's size from its record without reading the line.
 */
export async function listLogSizes(
  db: Db,
  query: LogQuery,
): Promise<{ id: number; bytes: number }[]> {
  const limit = query.tail === undefined ? query.limit : Math.min(query.limit, query.tail);
  if (limit <= 0) return [];
  let select = db
    .selectFrom("trial_logs")
    .select((eb) => ["id", eb.fn<number>("octet_length", ["line"]).as("bytes")])
    .where("trial_id", "=", query.trialId);
  if (query.after !== undefined) select = select.where("id", ">", query.after);
  const rows = await select
    .orderBy("id", query.tail === undefined ? "asc" : "desc")
    .limit(limit)
    .execute();
  const sizes = rows.map((r) => ({ id: Number(r.id), bytes: Number(r.bytes) }));
  return query.tail === undefined ? sizes : sizes.reverse();
}
