/**
 * A master's data dir is private to its OS user: the directory 0700, the
 * database with its -wal and -shm, the lock and the admin token 0600 — also
 * when they were left more open by an older master.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { startMaster } from "../../src/cli/commands/master.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function modes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { ".": ((await stat(dir)).mode & 0o777).toString(8) };
  for (const name of await readdir(dir)) {
    out[name] = ((await stat(join(dir, name))).mode & 0o777).toString(8);
  }
  return out;
}

async function runMaster(dataDir: string) {
  const master = await startMaster({ dataDir, port: 0, slots: 1, quiet: true });
  cleanup.push(() => master.close());
  return master;
}

test("a new data dir is 0700 and every file the master writes in it 0600", async () => {
  const parent = await mkdtemp(join(tmpdir(), "pushtune-modes-"));
  cleanup.push(() => rm(parent, { recursive: true, force: true }));
  const dataDir = join(parent, "data");
  await runMaster(dataDir);
  expect(await modes(dataDir)).toEqual({
    ".": "700",
    "admin.token": "600",
    "master.json": "600",
    "master.lock": "600",
    "pushtune.db": "600",
    "pushtune.db-shm": "600",
    "pushtune.db-wal": "600",
  });
});

test("a data dir left open by an older master is made private when a master starts on it", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-modes-"));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const first = await runMaster(dataDir);
  await first.close();
  await chmod(dataDir, 0o755);
  await chmod(join(dataDir, "pushtune.db"), 0o644);
  await chmod(join(dataDir, "admin.token"), 0o644);
  await writeFile(join(dataDir, "pushtune.db-wal"), "", { mode: 0o644 });
  await chmod(join(dataDir, "pushtune.db-wal"), 0o644);
  await mkdir(join(dataDir, "checkpoints"), { recursive: true });
  await runMaster(dataDir);
  const after = await modes(dataDir);
  expect(after).toMatchObject({
    ".": "700",
    "admin.token": "600",
    "pushtune.db": "600",
    "pushtune.db-wal": "600",
  });
});
