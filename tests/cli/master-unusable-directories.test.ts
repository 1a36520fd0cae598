/**
 * `pushtune master` with a data dir or a SQLite database it cannot use ends
 * at once with one line naming it and why, exit 1, and never a hang.
 */
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

const master = (...flags: string[]) =>
  runCli(["master", "--port", "0", ...flags], { timeoutMs: 15_000 });

describe.concurrent("pushtune master refuses", () => {
  it("a data dir that is a file", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "pushtune-data-dir-")), "taken");
    await writeFile(file, "not a directory\n");
    const r = await master("--data-dir", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pushtune: cannot use the data directory ${file}: ${file} exists and is not a directory\n`,
    );
  });

  it.skipIf(!existsSync("/proc/self"))(
    "a data dir under /proc, where mkdir -p of Node 20 spins for ever",
    async () => {
      const r = await master("--data-dir", "/proc/pushtune/data");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pushtune: cannot use the data directory \/proc\/pushtune\/data: /);
    },
  );

  it("a SQLite database in a directory that does not exist, naming the database", async () => {
    const parent = await mkdtemp(join(tmpdir(), "pushtune-db-dir-"));
    const db = join(parent, "missing", "pushtune.db");
    const r = await master("--data-dir", join(parent, "data"), "--db", db);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pushtune: cannot open the database ${db}: there is no directory ${join(parent, "missing")}\n`,
    );
  });
});
