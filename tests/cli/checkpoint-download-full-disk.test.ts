/**
 * `pushtune checkpoint download` into a full disk: one line naming the file,
 * the checkpoint and ENOSPC, exit 1, and no half-written file left to be
 * taken for the checkpoint's. Needs a tmpfs (root); skipped where mounting is
 * not allowed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { CheckpointList } from "../../src/protocol/api/resources.js";
import { mountSmallDisk, type SmallDisk } from "../support/small-disk.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment, playWithCheckpoints } from "./support/experiments.js";
import { runCli } from "./support/run-cli.js";

let m: CliMaster | undefined;
let disk: SmallDisk | undefined;
afterEach(async () => {
  await m?.close();
  disk?.unmount();
  m = undefined;
  disk = undefined;
});

test("a download into a full disk says which file of which checkpoint could not be written, and leaves no part of it", async (ctx) => {
  const mounted = mountSmallDisk(1);
  if ("reason" in mounted) return ctx.skip(mounted.reason);
  disk = mounted;
  m = await startCliMaster();
  const experiment = await createExperiment(m.tm);
  await playWithCheckpoints(m.tm, experiment);
  const [checkpoint] = (
    await m.tm.admin.get<CheckpointList>(`/experiments/${experiment}/checkpoints`)
  ).body.checkpoints;
  const uuid = checkpoint!.uuid;
  const first = Object.keys(checkpoint!.resources)[0]!; // the first the download writes
  disk.fill();
  const dir = join(disk.dir, "out");
  const r = await runCli(["checkpoint", "download", uuid, dir], { env: m.env });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    new RegExp(
      `^pushtune: cannot download ${first} of checkpoint ${uuid} into ${dir}: ENOSPC: [^\\n]*\\n$`,
    ),
  );
  expect(existsSync(join(dir, first))).toBe(false);
});
