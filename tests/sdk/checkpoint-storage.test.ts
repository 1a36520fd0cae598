import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { CheckpointNotFoundError, FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

async function freshMaster(): Promise<FakeMaster> {
  return new FakeMaster({ checkpointDir: await mkdtemp(join(tmpdir(), "pushtune-ckpt-test-")) });
}

test("a stored checkpoint has the writer's files, a metadata.json, and is reported with every file's size", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  const uuid = await ctx.checkpoint.store({ stepsCompleted: 300, note: "epoch 3" }, async (dir) => {
    await writeFile(join(dir, "weights.bin"), Buffer.alloc(1234));
    await mkdir(join(dir, "optim"));
    await writeFile(join(dir, "optim", "state.json"), "{}");
  });
  await ctx.flush();

  const dir = join(fm.checkpointDir, uuid);
  const metadata = JSON.parse(await readFile(join(dir, "metadata.json"), "utf8"));
  expect(metadata).toEqual({
    uuid,
    trialId: 1,
    stepsCompleted: 300,
    framework: "pushtune",
    note: "epoch 3",
  });
  expect(fm.checkpoints).toHaveLength(1);
  const [reported] = fm.checkpoints;
  expect(reported?.uuid).toBe(uuid);
  expect(reported?.stepsCompleted).toBe(300);
  expect(reported?.resources).toEqual({
    "weights.bin": 1234,
    "optim/state.json": 2,
    "metadata.json": Buffer.byteLength(await readFile(join(dir, "metadata.json"))),
  });
  expect(await readdir(fm.checkpointDir)).toEqual([uuid]);
});

test("while the writer runs only a temporary directory exists, so a crash leaves no checkpoint", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  let during: string[] = [];
  await ctx.checkpoint.store({ stepsCompleted: 1 }, async (dir) => {
    await writeFile(join(dir, "half.bin"), "x");
    during = await readdir(fm.checkpointDir);
  });
  expect(during).toHaveLength(1);
  expect(during[0]).toMatch(/^\.tmp-/);
});

test("a writer that fails half-way publishes nothing and reports nothing", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  await expect(
    ctx.checkpoint.store({ stepsCompleted: 100 }, async (dir) => {
      await writeFile(join(dir, "weights.bin"), "partial");
      throw new Error("disk full");
    }),
  ).rejects.toThrow("disk full");
  await ctx.flush();
  expect(fm.checkpoints).toEqual([]);
  expect((await readdir(fm.checkpointDir)).filter((name) => !name.startsWith(".tmp-"))).toEqual([]);
});

test("a writer may not write its own metadata.json", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  await expect(
    ctx.checkpoint.store({ stepsCompleted: 1 }, (dir) =>
      writeFile(join(dir, "metadata.json"), "{}"),
    ),
  ).rejects.toThrow(/must not create metadata.json/);
  expect(fm.checkpoints).toEqual([]);
});

test("a checkpoint is restored by its uuid, with its metadata", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  const uuid = await ctx.checkpoint.store({ stepsCompleted: 42 }, (dir) =>
    writeFile(join(dir, "model.txt"), "weights"),
  );
  const restored = await ctx.checkpoint.restore(uuid, async (dir, metadata) => ({
    model: await readFile(join(dir, "model.txt"), "utf8"),
    steps: metadata.stepsCompleted,
  }));
  expect(restored).toEqual({ model: "weights", steps: 42 });
});

test("restoring an unknown checkpoint fails clearly", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  await expect(
    ctx.checkpoint.restore("00000000-0000-4000-8000-000000000000", () => 1),
  ).rejects.toBeInstanceOf(CheckpointNotFoundError);
});
