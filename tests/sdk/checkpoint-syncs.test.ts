import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, vi } from "vitest";

/** Every fsync the SDK runs through `node:fs/promises`, by path, in the order they began. */
const syncs = vi.hoisted(() => ({ started: [] as string[], waiters: [] as (() => void)[] }));

vi.mock("node:fs/promises", async (original) => {
  const fs = await original<typeof import("node:fs/promises")>();
  return {
    ...fs,
    open: async (path: string, flags?: string) => {
      const handle = await fs.open(path, flags);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        syncs.started.push(path);
        // The temporary tree's fsyncs (two files and their directory) must be under way together.
        if (path.includes(".pushtune-staging")) {
          const pending = syncs.started.filter((p) => p.includes(".pushtune-staging")).length;
          if (pending < 3) {
            await new Promise<void>((resolve, reject) => {
              syncs.waiters.push(resolve);
              setTimeout(() => reject(new Error(`only ${pending} fsyncs under way`)), 2000);
            });
          } else {
            for (const wake of syncs.waiters.splice(0)) wake();
          }
        }
        return sync();
      };
      return handle;
    },
  };
});

const { FakeMaster } = await import("../../src/sdk/index.js");
const { openContext } = await import("./support.js");

test("a checkpoint's files and its directory are fsynced at once, before it is published", async () => {
  const fm = new FakeMaster({
    checkpointDir: await mkdtemp(join(tmpdir(), "pushtune-ckpt-syncs-")),
  });
  const ctx = await openContext(fm);
  let tmp = "";
  const uuid = await ctx.checkpoint.store({ stepsCompleted: 10 }, async (dir) => {
    tmp = dir;
    await writeFile(join(dir, "weights.bin"), Buffer.alloc(10));
  });
  await ctx.close();
  expect(syncs.started.slice(0, 3).sort()).toEqual(
    [tmp, join(tmp, "metadata.json"), join(tmp, "weights.bin")].sort(),
  );
  expect(fm.checkpoints.map((c) => c.uuid)).toEqual([uuid]);
});
