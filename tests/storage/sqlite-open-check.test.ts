/**
 * A SQLite database is read through (`PRAGMA quick_check`) when it is opened,
 * unless it is exactly as a clean close left it: a big history is not read
 * page by page at every start, and a file anything else has touched since —
 * a crash, a copy, a restore, another program — is checked again.
 */
import { cp, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, afterEach, beforeAll, expect, test, vi } from "vitest";
import { openStore } from "../../src/master/storage/open-store.js";
import { unchangedSinceCleanClose } from "../../src/master/storage/sqlite-database.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pushtune-open-check-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

let n = 0;
/** A database with some rows, closed cleanly. */
async function closedDatabase(): Promise<string> {
  const path = join(root, `db-${++n}`, "pushtune.db");
  const store = await openStore(path);
  for (let i = 0; i < 200; i++)
    await store.createUser({
      username: `user-${i}-${"x".repeat(40)}`,
      passwordHash: null,
      admin: false,
    });
  await store.close();
  return path;
}

/** The quick_checks run while `fn` runs. */
async function checksDuring(fn: () => Promise<unknown>): Promise<number> {
  const pragma = vi.spyOn(BetterSqlite3.prototype, "pragma");
  try {
    await fn();
    return pragma.mock.calls.filter(([text]) => String(text).startsWith("quick_check")).length;
  } finally {
    pragma.mockRestore();
  }
}

const reopen = async (path: string) => (await openStore(path)).close();

test("a database a clean close left as it is opens without a check", async () => {
  const path = await closedDatabase();
  expect(unchangedSinceCleanClose(path)).toBe(true);
  expect(await checksDuring(() => reopen(path))).toBe(0);
  // Its clean close leaves it trusted again.
  expect(await checksDuring(() => reopen(path))).toBe(0);
});

test("a database written by another program since its clean close is checked", async () => {
  const path = await closedDatabase();
  const other = new BetterSqlite3(path);
  other.prepare("UPDATE users SET admin = 1 WHERE id = 1").run();
  other.close();
  expect(unchangedSinceCleanClose(path)).toBe(false);
  expect(await checksDuring(() => reopen(path))).toBe(1);
});

test("a database still open, or left open by a crash, is checked at its next open", async () => {
  const path = await closedDatabase();
  const store = await openStore(path);
  await store.createUser({ username: "while-open", passwordHash: null, admin: false });
  // Its write-ahead log is there, as a killed master leaves it.
  expect(unchangedSinceCleanClose(path)).toBe(false);
  expect(await checksDuring(() => reopen(path))).toBe(1);
  await store.close();
});

test("a copy of a cleanly closed database is checked", async () => {
  const path = await closedDatabase();
  const copy = join(root, `copy-${++n}`);
  await cp(join(path, ".."), copy, { recursive: true });
  expect(unchangedSinceCleanClose(join(copy, "pushtune.db"))).toBe(false);
  expect(await checksDuring(() => reopen(join(copy, "pushtune.db")))).toBe(1);
});

test("pages damaged in place after a clean close are found, the file's size and time put back", async () => {
  const path = await closedDatabase();
  const before = await stat(path);
  const bytes = await readFile(path);
  for (const page of [2, 3, 5]) bytes.fill(0x5a, page * 4096, (page + 1) * 4096);
  await writeFile(path, bytes);
  await utimes(path, before.atime, before.mtime);
  expect((await stat(path)).size).toBe(before.size);
  await expect(openStore(path)).rejects.toThrow(/the file is damaged/);
});
