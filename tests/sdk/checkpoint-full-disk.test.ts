/**
 * A checkpoint the checkpoint storage has no room for: the trial is told
 * which checkpoint and why (ENOSPC), nothing is published or reported, the
 * temporary directory is gone, and the checkpoint before it is still whole.
 * Needs a tmpfs (root); skipped where mounting is not allowed.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { PUBLISHED_SUFFIX, STAGING_DIR } from "../../src/protocol/checkpoint-layout.js";
import { FakeMaster } from "../../src/sdk/index.js";
import { mountSmallDisk, type SmallDisk } from "../support/small-disk.js";
import { openContext } from "./support.js";

let disk: SmallDisk | undefined;
afterEach(() => {
  disk?.unmount();
  disk = undefined;
});

test("a checkpoint a full disk cannot take fails naming it and ENOSPC, and the one before stays usable", async (ctx) => {
  const mounted = mountSmallDisk(4);
  if ("reason" in mounted) return ctx.skip(mounted.reason);
  disk = mounted;
  const checkpointDir = join(disk.dir, "checkpoints");
  mkdirSync(checkpointDir);
  const fm = new FakeMaster({ checkpointDir });
  const trial = await openContext(fm);
  const before = await trial.checkpoint.store({ stepsCompleted: 10 }, (dir) =>
    writeFile(join(dir, "w.json"), "10"),
  );
  disk.fill();
  const failed = trial.checkpoint.store({ stepsCompleted: 20 }, (dir) =>
    writeFile(join(dir, "w.bin"), Buffer.alloc(1024 * 1024)),
  );
  await expect(failed).rejects.toThrow(
    new RegExp(`^checkpoint [0-9a-f-]{36} could not be stored in ${checkpointDir}: ENOSPC`),
  );
  await expect(failed).rejects.toMatchObject({ code: "ENOSPC" });
  expect(readdirSync(checkpointDir).sort()).toEqual([STAGING_DIR, before].sort());
  // Nothing of the failed one is left in the staging folder.
  expect(readdirSync(join(checkpointDir, STAGING_DIR, "allocation-1"))).toEqual([
    `${before}${PUBLISHED_SUFFIX}`,
  ]);
  disk.free();
  await trial.flush();
  expect(fm.checkpoints.map((c) => c.uuid)).toEqual([before]);
  const restored = await trial.checkpoint.restore(before, (dir) =>
    readFile(join(dir, "w.json"), "utf8"),
  );
  expect(restored).toBe("10");
});
