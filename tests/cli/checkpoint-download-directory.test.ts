/**
 * `pushtune checkpoint download UUID DIR` where DIR cannot be a directory:
 * one line naming DIR and why, exit 1, and never a hang.
 */
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckpointList } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment, playWithCheckpoints } from "./support/experiments.js";
import { runCli } from "./support/run-cli.js";

let m: CliMaster;
let uuid: string;
beforeAll(async () => {
  m = await startCliMaster();
  const experiment = await createExperiment(m.tm);
  await playWithCheckpoints(m.tm, experiment);
  const list = await m.tm.admin.get<CheckpointList>(`/experiments/${experiment}/checkpoints`);
  uuid = list.body.checkpoints[0]!.uuid;
});
afterAll(async () => m.close());

describe.concurrent("a download directory that cannot be made", () => {
  it("is a file: the download says so and exits 1", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "pushtune-download-")), "taken");
    await writeFile(file, "not a directory\n");
    const r = await runCli(["checkpoint", "download", uuid, file], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pushtune: cannot download into ${file}: ${file} exists and is not a directory\n`,
    );
  });

  it.skipIf(!existsSync("/proc/self"))(
    "is under /proc, where mkdir -p of Node 20 spins for ever: the download ends with exit 1",
    async () => {
      const r = await runCli(["checkpoint", "download", uuid, "/proc/pushtune/out"], {
        env: m.env,
        timeoutMs: 15_000,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pushtune: cannot download into \/proc\/pushtune\/out: [^\n]*\n$/);
    },
  );
});
