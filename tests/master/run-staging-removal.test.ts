/**
 * A run writes its checkpoints in a staging folder of its own
 * (src/protocol/checkpoint-layout.ts). Once the run is over and nothing can
 * write there any more, the folder goes, with the checkpoints it published
 * but never registered: however the run ended, lost included, and also when
 * it ended while no master was there to see it (a restarted master removes
 * those at start). A run whose process may still be running keeps its
 * folder: a live one, and one of a pool the master no longer has.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test, vi } from "vitest";
import { PUBLISHED_SUFFIX, STAGING_DIR } from "../../src/protocol/checkpoint-layout.js";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const root = () => join(tm.dataDir, "checkpoints");
const staging = (allocationId: string) => join(root(), STAGING_DIR, allocationId);

/** What a run killed while it checkpointed leaves: one half-written, one published and never reported. */
async function leaveStaging(allocationId: string): Promise<string> {
  const unreported = crypto.randomUUID();
  await mkdir(join(staging(allocationId), crypto.randomUUID()), { recursive: true });
  await writeFile(join(staging(allocationId), `${unreported}${PUBLISHED_SUFFIX}`), "");
  await mkdir(join(root(), unreported), { recursive: true });
  await writeFile(join(root(), unreported, "weights.bin"), "w");
  return unreported;
}

async function gone(...paths: string[]) {
  await vi.waitFor(() => {
    for (const p of paths) expect(existsSync(p), p).toBe(false);
  });
}

test("a run lost when the master restarted has its staging folder removed", async () => {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, randomConfig(100, 1));
  await tm.settle();
  const [spec] = running(tm);
  const unreported = await leaveStaging(spec!.allocationId);
  // The launcher of the next master finds nothing of it: the run is lost.
  await tm.restart();
  expect((await tm.store.getAllocation(spec!.allocationId))?.exitReason).toMatch(/^lost/);
  await gone(staging(spec!.allocationId), join(root(), unreported));
});

test("a restarted master removes the staging folders of runs that ended before it, and keeps a live run's", async () => {
  tm = await startTestMaster({ slots: 2, adopts: true });
  await createExperiment(tm, randomConfig(100, 2));
  await tm.settle();
  const [ended, live] = running(tm);
  tm.launcher.exit(ended!.allocationId, { exitCode: 1 });
  await tm.settle();
  await vi.waitFor(() => expect(existsSync(staging(ended!.allocationId))).toBe(false));
  // As if the master had died between reading its end and removing its folder.
  const unreported = await leaveStaging(ended!.allocationId);
  // A deleted experiment's run, whose folder a failed removal left.
  const unknown = crypto.randomUUID();
  await leaveStaging(unknown);
  const kept = await leaveStaging(live!.allocationId);
  await tm.restart();
  expect(tm.launcher.adopted.has(live!.allocationId)).toBe(true);
  await gone(staging(ended!.allocationId), join(root(), unreported), staging(unknown));
  expect(existsSync(staging(live!.allocationId))).toBe(true);
  expect(existsSync(join(root(), kept))).toBe(true);
});

test("a run of a pool the restarted master does not have keeps its staging folder: it may still be running", async () => {
  const pools = [
    { name: "cpu", slots: 1 },
    { name: "gpu", slots: 1 },
  ];
  tm = await startTestMaster({ pools });
  await createExperiment(tm, { ...randomConfig(100, 1), resources: { resource_pool: "gpu" } });
  await tm.settle();
  const [spec] = tm.launchers.get("gpu")!.launched;
  await leaveStaging(spec!.allocationId);
  await tm.restart([pools[0]!]);
  expect((await tm.store.getAllocation(spec!.allocationId))?.state).toBe("TERMINATED");
  // Both removals have had their chance.
  await tm.restart([pools[0]!]);
  expect(existsSync(staging(spec!.allocationId))).toBe(true);
});
