/**
 * Savepoints: a part of an open transaction that can fail alone. Both
 * dialects nest savepoints of one name, the innermost answering to it.
 */
import { sql } from "kysely";
import type { Db } from "./codec.js";

/**
 * Runs `fn` under a savepoint of the transaction `db` is bound to. When `fn`
 * throws (a statement the database refused included), everything it did is
 * rolled back and the error goes on to the caller, with the transaction
 * usable again (PostgreSQL refuses every statement after an error until
 * then). Otherwise its writes stay in the transaction.
 */
export async function inSavepoint<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  await sql`savepoint pushtune_part`.execute(db);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await sql`rollback to savepoint pushtune_part`.execute(db);
    await sql`release savepoint pushtune_part`.execute(db);
    throw err;
  }
  await sql`release savepoint pushtune_part`.execute(db);
  return result;
}
