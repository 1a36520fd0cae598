import { sql } from "kysely";
import { afterEach, describe, expect, test } from "vitest";
import { connect } from "../../src/master/storage/open-store.js";
import { reusedQuery, updateById } from "../../src/master/storage/reused-query.js";

const connection = () => connect(":memory:");
let close: (() => Promise<void>) | null = null;

afterEach(async () => {
  await close?.();
  close = null;
});

async function withTable() {
  const { db } = connection();
  close = () => db.destroy();
  await sql`create table trials (id integer primary key, state text, restarts integer)`.execute(db);
  await sql`insert into trials values (1, 'ACTIVE', 0), (2, 'PAUSED', 3)`.execute(db);
  return db;
}

describe("queries compiled once and run with each call's values", () => {
  test("each run binds its own values, inside a transaction too", async () => {
    const db = await withTable();
    const byId = (id: number, on = db) =>
      reusedQuery(on, "test byId", [id], (id) =>
        on.selectFrom("trials").select(["id", "state"]).where("id", "=", id),
      );
    expect((await byId(1)).rows).toEqual([{ id: 1, state: "ACTIVE" }]);
    expect((await byId(2)).rows).toEqual([{ id: 2, state: "PAUSED" }]);
    await db.transaction().execute(async (trx) => {
      expect((await byId(2, trx)).rows).toEqual([{ id: 2, state: "PAUSED" }]);
    });
    expect((await byId(3)).rows).toEqual([]);
  });

  test("an update sets exactly the columns given, whatever was set before under other keys", async () => {
    const db = await withTable();
    await updateById(db, "trials", 1, { state: "COMPLETED" });
    await updateById(db, "trials", 2, { state: "ACTIVE", restarts: 4 });
    await updateById(db, "trials", 1, {});
    const rows = await db.selectFrom("trials").selectAll().orderBy("id").execute();
    expect(rows).toEqual([
      { id: 1, state: "COMPLETED", restarts: 0 },
      { id: 2, state: "ACTIVE", restarts: 4 },
    ]);
  });

  test("a query that would not bind one of its values is refused, not run without it", async () => {
    const db = await withTable();
    await expect(
      reusedQuery(db, "test unbound", [1, 2], (id, _unbound) =>
        db.selectFrom("trials").selectAll().where("id", "=", id),
      ),
    ).rejects.toThrow(/1 values are not parameters/);
  });
});
