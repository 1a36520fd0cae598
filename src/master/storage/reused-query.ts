/**
 * Queries built and compiled once, then run with each call's values. The
 * master runs the same few statements over and over (a trial by id, its next
 * op, an allocation by id); building a Kysely query and compiling it to SQL
 * costs more CPU than SQLite takes to run it.
 */
import type { Compilable, CompiledQuery, QueryResult } from "kysely";
import type { Db } from "./codec.js";

/** Stands in for the call's value at `index` while the query is built. */
class Slot {
  constructor(readonly index: number) {}
}

/** Compiled queries by key, per dialect adapter (SQLite and PostgreSQL compile differently). */
const compiledByAdapter = new WeakMap<object, Map<string, CompiledQuery>>();

/**
 * Runs the query `build` makes from `values`, compiled on its first run
 * under `key` and reused after. `build` gets stand-ins for the values, so
 * the SQL it makes must not depend on them: `key` names everything it does
 * depend on (which columns an update sets, say), and no value is a list.
 */
export async function reusedQuery<V extends readonly unknown[], R>(
  db: Db,
  key: string,
  values: V,
  build: (...slots: V) => Compilable<R>,
): Promise<QueryResult<R>> {
  const adapter = db.getExecutor().adapter;
  let compiled = compiledByAdapter.get(adapter);
  if (!compiled) {
    compiled = new Map();
    compiledByAdapter.set(adapter, compiled);
  }
  let query = compiled.get(key) as CompiledQuery<R> | undefined;
  if (!query) {
    const slots = values.map((_, i) => new Slot(i)) as unknown as V;
    query = build(...slots).compile();
    const bound = new Set(query.parameters.filter((p) => p instanceof Slot).map((p) => p.index));
    if (bound.size !== values.length)
      throw new Error(`query ${key}: ${values.length - bound.size} values are not parameters`);
    compiled.set(key, query);
  }
  const parameters = query.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
  return db.executeQuery<R>({ ...query, parameters });
}

/**
 * `UPDATE table SET … WHERE id = ?` with the columns `set` holds, compiled
 * once per table and set of columns. Does nothing when `set` is empty.
 */
export async function updateById<T extends "trials" | "allocations" | "experiments">(
  db: Db,
  table: T,
  id: number | string,
  set: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(set);
  if (columns.length === 0) return;
  const values = columns.map((c) => set[c]);
  await reusedQuery(db, `update ${table} ${columns.join(",")}`, [id, ...values], (slot, ...rest) =>
    db
      // One table's builder type for all three: the columns come from the caller's typed `set`.
      .updateTable(table as "trials")
      .set(Object.fromEntries(columns.map((c, i) => [c, rest[i]])) as never)
      .where("id", "=", slot as never),
  );
}
