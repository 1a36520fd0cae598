import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { PUBLISHED_SUFFIX, STAGING_DIR } from "../../src/protocol/checkpoint-layout.js";
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
  expect(await readdir(fm.checkpointDir)).toEqual([STAGING_DIR, uuid]);
  // Word that it was published, for the master to check once the allocation has ended.
  expect(await readdir(staging(fm))).toEqual([`${uuid}${PUBLISHED_SUFFIX}`]);
});

const staging = (fm: FakeMaster) => join(fm.checkpointDir, STAGING_DIR, "allocation-1");

test("while the writer runs only the allocation's staging folder holds it, so a crash leaves no checkpoint", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  let during: { root: string[]; staging: string[] } = { root: [], staging: [] };
  let writing = "";
  const uuid = await ctx.checkpoint.store({ stepsCompleted: 1 }, async (dir) => {
    await writeFile(join(dir, "half.bin"), "x");
    writing = dir;
    during = { root: await readdir(fm.checkpointDir), staging: await readdir(staging(fm)) };
  });
  expect(during.root).toEqual([STAGING_DIR]);
  expect(during.staging).toEqual([uuid]);
  expect(writing).toBe(join(staging(fm), uuid));
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
  expect(await readdir(fm.checkpointDir)).toEqual([STAGING_DIR]);
  expect(await readdir(staging(fm))).toEqual([]);
});

test("a file whose name is not UTF-8 is refused before anything is published", async () => {
  const fm = await freshMaster();
  const ctx = await openContext(fm);
  await expect(
    ctx.checkpoint.store({ stepsCompleted: 5 }, async (dir) => {
      await writeFile(join(dir, "good.bin"), "x");
      await writeFile(
        Buffer.concat([Buffer.from(`${dir}/w`), Buffer.from([0xff]), Buffer.from(".bin")]),
        "y",
      );
    }),
  ).rejects.toThrow(/not valid UTF-8 \("wÿ\.bin"\).*rename it/);
  await ctx.flush();
  expect(fm.checkpoints).toEqual([]);
  expect(await readdir(fm.checkpointDir)).toEqual([STAGING_DIR]);
  expect(await readdir(staging(fm))).toEqual([]);
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

test("a checkpoint of more files than the process may hold open is saved, its files in path order", async () => {
  // A child process with a limit of 256 descriptors saves 1,000 files: syncing them all at
  // once would fail with EMFILE.
  const root = await mkdtemp(join(tmpdir(), "pushtune-many-files-"));
  try {
    const storage = pathToFileURL(
      resolve(import.meta.dirname, "../../src/sdk/checkpoint-storage.ts"),
    );
    const script = `
import { writeFileSync } from "node:fs";
import { join } from "node:path";
const { SharedFsStorage } = await import(${JSON.stringify(storage.href)});
const saved = await new SharedFsStorage(${JSON.stringify(root)}, "allocation-1").save(
  { trialId: 1, stepsCompleted: 1, metadata: {} },
  (dir) => { for (let i = 0; i < 1000; i++) writeFileSync(join(dir, "shard-" + String(i).padStart(4, "0")), "x"); },
);
console.log(JSON.stringify(Object.keys(saved.resources)));`;
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const child = spawn(
      "sh",
      [
        "-c",
        'ulimit -n 256 && exec "$0" --import "$1" --input-type=module -e "$2"',
        process.execPath,
        tsx,
        script,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    expect(await new Promise((done) => child.on("exit", done))).toBe(0);
    const names = JSON.parse(out) as string[];
    expect(names).toHaveLength(1001);
    expect(names).toEqual([...names].sort());
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
