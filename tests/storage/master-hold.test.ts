/**
 * One master per data dir: the hold on `<data-dir>/master.lock` is exclusive,
 * names its holder to whoever is refused, and is free again once released.
 * (A holder that dies loses it to the kernel: the faults suite kills masters.)
 */

import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { holdDataDir, MasterHeldError } from "../../src/master/storage/master-hold.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

test("a second hold on a data dir is refused naming the holder's pid, host and port", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-hold-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const first = await holdDataDir(dir);
  cleanup.push(() => first.release());
  await expect(holdDataDir(dir)).rejects.toThrow(
    `another master holds ${dir} (pid ${process.pid} on ${hostname()}, starting); stop it first`,
  );
  await first.announce(8123);
  const refused = await holdDataDir(dir).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(MasterHeldError);
  expect((refused as MasterHeldError).holder).toEqual({
    pid: process.pid,
    host: hostname(),
    port: 8123,
  });
  await first.release();
  const again = await holdDataDir(dir);
  await again.release();
});
