/**
 * A master whose data dir's disk fills up (SQLite): a push it cannot store is
 * answered with an error that says so, and nothing it acknowledged is lost;
 * an exit it cannot store is read again once there is room. Needs a tmpfs
 * (root); skipped where mounting is not allowed.
 */
import { afterEach, expect, test, vi } from "vitest";
import { singleConfig } from "../master/support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "../master/support/harness.js";
import { running, TrialHandle } from "../master/support/trial.js";
import { mountSmallDisk, type SmallDisk } from "../support/small-disk.js";

let tm: TestMaster | undefined;
let disk: SmallDisk | undefined;
afterEach(async () => {
  disk?.free();
  await tm?.close();
  disk?.unmount();
  tm = undefined;
  disk = undefined;
});

/** A master on a small disk of its own, with one trial running; null where no disk can be mounted. */
async function trialOnSmallDisk(skip: (note: string) => never): Promise<TrialHandle> {
  const mounted = mountSmallDisk(16);
  if ("reason" in mounted) skip(mounted.reason);
  disk = mounted;
  tm = await startTestMaster({ slots: 1, parentDir: disk.dir });
  await createExperiment(tm, singleConfig("full-disk"));
  await tm.settle();
  return new TrialHandle(tm, running(tm)[0]!);
}

type Err = { error: { code: string; message: string } };

test("a metric push a full disk cannot take is refused naming the full disk, and is stored once there is room", async (ctx) => {
  const t = await trialOnSmallDisk((note) => ctx.skip(note));
  for (let step = 1; step <= 5; step++) {
    expect((await t.metrics("training", step, { loss: 1 / step })).status).toBe(200);
  }
  disk!.fill();
  const refused = await t.metrics("training", 6, { loss: 1 / 6 });
  expect(refused.status).toBe(507);
  expect((refused.body as Err).error.code).toBe("STORAGE_FULL");
  expect((refused.body as Err).error.message).toMatch(/disk is full/);
  expect((await tm!.admin.get("/health")).status).toBe(200);
  disk!.free();
  expect((await t.metrics("training", 6, { loss: 1 / 6 })).status).toBe(200);
  const rows = await tm!.store.listMetrics({ trialId: t.id, limit: 100 });
  expect(rows.map((r) => r.stepsCompleted)).toEqual([1, 2, 3, 4, 5, 6]);
});

test("a trial that exits while the disk is full is restarted once there is room", async (ctx) => {
  const t = await trialOnSmallDisk((note) => ctx.skip(note));
  disk!.fill();
  await t.exit(1);
  disk!.free();
  await vi.waitFor(async () => expect(running(tm!, t.id)).toHaveLength(1), { timeout: 30_000 });
  expect(await tm!.store.getTrial(t.id)).toMatchObject({ state: "ACTIVE", restarts: 1 });
  expect(running(tm!, t.id)[0]!.allocationId).not.toBe(t.spec.allocationId);
});

test("what a trial prints while the disk is full is stored, in order, once there is room", async (ctx) => {
  const t = await trialOnSmallDisk((note) => ctx.skip(note));
  const lines = async () =>
    (await tm!.store.listLogs({ trialId: t.id, limit: 2000 })).map((l) => l.line);
  tm!.launcher.log(t.spec.allocationId, "line 1");
  await vi.waitFor(async () => expect(await lines()).toEqual(["line 1"]));
  disk!.fill();
  for (let i = 2; i <= 1200; i++) tm!.launcher.log(t.spec.allocationId, `line ${i}`);
  // Tried and refused (more than one batch's worth), held meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await lines()).toEqual(["line 1"]);
  disk!.free();
  const all = Array.from({ length: 1200 }, (_, i) => `line ${i + 1}`);
  await vi.waitFor(async () => expect(await lines()).toEqual(all), { timeout: 10_000 });
});
