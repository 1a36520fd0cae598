/**
 * A master refuses a damaged or lost SQLite database with one line and exit
 * status 1, before it writes anything: no new admin token over a lost
 * history, no master answering 500 to every list.
 */
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { bootstrapAdmin } from "../../src/master/app/master.js";
import { openStore } from "../../src/master/storage/open-store.js";
import { runRefusedMaster, startMasterProcess } from "../support/master-process.js";

let root: string;
let pristine: string;

/** A data dir a master has used: a database with a few pages of rows, a token, checkpoints/. */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pushtune-corrupt-"));
  pristine = join(root, "pristine");
  await mkdir(join(pristine, "checkpoints"), { recursive: true });
  const store = await openStore(join(pristine, "pushtune.db"));
  await bootstrapAdmin(store, pristine);
  for (let i = 0; i < 300; i++) {
    await store.createUser({
      username: `user-${i}-${"x".repeat(40)}`,
      passwordHash: null,
      admin: false,
    });
  }
  await store.close();
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every file of the data dir but the lock, with a hash of its bytes. */
async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name === "master.lock") continue;
    const bytes = await readFile(join(e.parentPath, e.name));
    out[join(e.parentPath, e.name)] = createHash("sha256").update(bytes).digest("hex");
  }
  return out;
}

/** Seeded bytes (a linear congruential generator): the same damage on every run. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const PAGE = 4096;

const damages: [string, (db: string) => Promise<void>, RegExp][] = [
  ["truncated to 0 bytes", (db) => truncate(db, 0), /is empty \(0 bytes\), but .* has been used/],
  ["deleted", (db) => rm(db), /is missing, but .* has been used \(admin\.token, checkpoints\)/],
  [
    "with random bytes over data pages",
    async (db) => {
      const bytes = await readFile(db);
      for (const page of [2, 3, 5]) noise(PAGE, page).copy(bytes, page * PAGE);
      await writeFile(db, bytes);
    },
    /cannot open database .*: the file is damaged \(/,
  ],
  [
    "with a header that is not SQLite's",
    async (db) => {
      const bytes = await readFile(db);
      noise(100, 1).copy(bytes, 0);
      await writeFile(db, bytes);
    },
    /cannot open database .*: file is not a database/,
  ],
  [
    "cut in half",
    async (db) => {
      const bytes = await readFile(db);
      await writeFile(db, bytes.subarray(0, Math.floor(bytes.length / PAGE / 2) * PAGE));
    },
    /cannot open database .*: (the file is damaged|database disk image is malformed)/,
  ],
  [
    "written by a newer pushtune",
    async (db) => {
      const sqlite = new BetterSqlite3(db);
      sqlite.prepare("UPDATE schema_version SET version = version + 1").run();
      sqlite.close();
    },
    /database schema version \d+ is newer than this pushtune/,
  ],
  [
    "replaced by a directory",
    async (db) => {
      await rm(db);
      await mkdir(db);
    },
    /cannot open database .*pushtune\.db: /,
  ],
];

test.each(damages)(
  "a database %s is refused with one line, touching nothing",
  async (_, damage, message) => {
    const dir = join(root, `case-${damages.findIndex((d) => d[1] === damage)}`);
    await cp(pristine, dir, { recursive: true });
    await damage(join(dir, "pushtune.db"));
    const before = await contents(dir);
    const { code, output } = await runRefusedMaster(dir);
    expect(code).toBe(1);
    const lines = output.trimEnd().split("\n");
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(/^pushtune: /);
    expect(lines[0]).toMatch(message);
    expect(await contents(dir)).toEqual(before);
  },
  60_000,
);

test("a lost database is refused after the first admin token was retired and no checkpoint written", async () => {
  const dir = join(root, "retired-token");
  const master = await startMasterProcess(dir);
  await master.call("POST", "/users", { username: "root", password: "correct-horse", admin: true });
  const login = await fetch(`${master.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "root", password: "correct-horse" }),
  });
  expect(login.status).toBe(200);
  expect(await master.kill("SIGTERM")).toBe(0);
  const left = await readdir(dir);
  expect(left).not.toContain("admin.token");
  expect(left).not.toContain("checkpoints");
  await rm(join(dir, "pushtune.db"));
  const { code, output } = await runRefusedMaster(dir);
  expect(code).toBe(1);
  expect(output.trimEnd()).toMatch(
    /^pushtune: database .* is missing, but .* has been used \(master\.lock\)/,
  );
  expect(await readdir(dir)).not.toContain("admin.token");
}, 60_000);
