/**
 * A master started on a full disk says which file it could not write, leaves
 * nothing half-written behind, and holds nothing: once there is room it
 * starts. Needs a tmpfs (root); skipped where mounting is not allowed.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { holdDataDir } from "../../src/master/storage/master-hold.js";
import { mountSmallDisk, type SmallDisk } from "../support/small-disk.js";

let disk: SmallDisk | undefined;
afterEach(() => {
  disk?.free();
  disk?.unmount();
  disk = undefined;
});

test("a data dir on a full disk is refused naming the holder file, and can be held once there is room", async (ctx) => {
  const mounted = mountSmallDisk(1);
  if ("reason" in mounted) return ctx.skip(mounted.reason);
  disk = mounted;
  const dataDir = join(disk.dir, "data");
  mkdirSync(dataDir);
  disk.fill();
  const holderFile = join(dataDir, "master.json");
  await expect(holdDataDir(dataDir)).rejects.toThrow(`cannot write ${holderFile}: ENOSPC`);
  expect(readdirSync(dataDir).filter((f) => f.startsWith("master.json"))).toEqual([]);
  disk.free();
  const hold = await holdDataDir(dataDir);
  expect(readdirSync(dataDir)).toContain("master.json");
  await hold.release();
});
