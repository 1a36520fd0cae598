/**
 * Steering which index a query reads by. SQLite keeps no statistics here, and
 * of two indexes that serve a query it takes the one that also gives the
 * ORDER BY: for a few trials' rows of a big experiment, that is the
 * experiment's index, read through every row of the experiment.
 */
import { type RawBuilder, sql } from "kysely";

/**
 * `column` as a term no index serves (`+column`, in both dialects): its
 * condition still holds, and the query's other conditions choose the index.
 */
export function notForIndex<T>(column: string): RawBuilder<T> {
  return sql<T>`+${sql.ref(column)}`;
}
