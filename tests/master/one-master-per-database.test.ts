/**
 * One master per data dir and per database, also when a SQLite database lies
 * outside the data dir: a second `startMaster` is refused naming the first,
 * before it writes anything (no admin token of its own).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { type RunningMaster, startMaster } from "../../src/cli/commands/master.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-one-master-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function run(dataDir: string, db?: string): Promise<RunningMaster> {
  const m = await startMaster({ dataDir, port: 0, slots: 1, quiet: true, ...(db ? { db } : {}) });
  cleanup.push(() => m.close());
  return m;
}

const holderOf = (m: RunningMaster) =>
  `(pid ${process.pid} on ${hostname()}, port ${new URL(m.url).port}); stop it first`;

test("a second master on the same data dir is refused naming the first", async () => {
  const dataDir = await tempDir();
  const first = await run(dataDir);
  await expect(run(dataDir)).rejects.toThrow(`another master holds ${dataDir} ${holderOf(first)}`);
});

test("two data dirs sharing one SQLite file: the second master is refused and writes no token", async () => {
  const [dbDir, dirA, dirB] = [await tempDir(), await tempDir(), await tempDir()];
  const db = join(dbDir, "shared.db");
  const first = await run(dirA, db);
  await expect(run(dirB, db)).rejects.toThrow(`another master holds ${dbDir} ${holderOf(first)}`);
  expect(existsSync(join(dirB, "admin.token"))).toBe(false);
});
