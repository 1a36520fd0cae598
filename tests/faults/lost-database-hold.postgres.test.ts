/**
 * A master holds its PostgreSQL database for its whole life. If the server
 * ends the connection that holds the lock, another master could take the
 * database: this one stops at once, saying why, with exit status 1.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, expect, test } from "vitest";
import { createPostgresDatabase } from "../master/support/postgres.js";
import { startMasterProcess } from "../support/master-process.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
});

test("a master whose lock connection is ended by the server stops with exit 1 and one line", async () => {
  const db = await createPostgresDatabase();
  cleanups.push(db.drop);
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-lost-hold-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const m = await startMasterProcess(dataDir, ["--db", db.url]);
  cleanups.push(() => m.kill("SIGKILL"));
  const exited = new Promise<number | null>((done) => m.child.once("exit", done));

  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  // This master's hold only: other masters may share the server (another test's, a user's).
  const ended = await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1",
    [`pushtune master pid=${m.child.pid} %`],
  );
  await admin.end();
  expect(ended.rowCount).toBe(1);

  expect(await exited).toBe(1);
  const after = m
    .output()
    .split("\n")
    .filter((l) => l && !l.includes("listening on") && !l.includes("created user admin"));
  expect(after).toEqual([
    expect.stringMatching(/^pushtune master: lost its connection to postgres:\/\/.*; stopping$/),
  ]);
}, 60_000);
