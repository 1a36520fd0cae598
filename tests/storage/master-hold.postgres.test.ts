/**
 * One master per PostgreSQL database: a session advisory lock on a connection
 * of its own, naming its holder in `application_name`. A second hold is
 * refused with the holder's pid, host and port; a hold whose connection is
 * ended hears that it is lost.
 */
import { hostname } from "node:os";
import pg from "pg";
import { afterEach, expect, test } from "vitest";
import { holdPostgres, MasterHeldError } from "../../src/master/storage/master-hold.js";
import { createPostgresDatabase } from "../master/support/postgres.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function database() {
  const db = await createPostgresDatabase();
  cleanup.push(db.drop);
  return db.url;
}

test("a second hold on a database is refused naming the holder; a released one is free", async () => {
  const url = await database();
  const first = await holdPostgres(url);
  cleanup.push(() => first.release());
  await first.announce(9321);
  const refused = await holdPostgres(url).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(MasterHeldError);
  const holder = (refused as MasterHeldError).holder!;
  expect({ pid: holder.pid, port: holder.port }).toEqual({ pid: process.pid, port: 9321 });
  // application_name holds 63 bytes: a long host name is cut to fit.
  expect(hostname().startsWith(holder.host) && holder.host.length > 0).toBe(true);
  expect((refused as Error).message).toMatch(
    /^another master holds postgres:\/\/.* \(pid \d+ on .*, port 9321\); stop it first$/,
  );
  await first.release();
  const again = await holdPostgres(url);
  await again.release();
});

test("a hold whose connection the server ends is lost, and the database is free again", async () => {
  const url = await database();
  const hold = await holdPostgres(url);
  cleanup.push(() => hold.release());
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(
    // This database's hold only: other masters may share the server (another test's, a user's).
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pushtune master%'",
  );
  await admin.end();
  expect(await hold.lost).toMatch(/lost its connection/);
  const next = await holdPostgres(url);
  await next.release();
});
