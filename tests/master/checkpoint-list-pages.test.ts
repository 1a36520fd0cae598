/**
 * `GET /experiments/{id}/checkpoints` and `GET /trials/{id}/checkpoints`
 * answer pages: `after` and `limit` (at most and by default CHECKPOINT_PAGE)
 * pick them, and a page holds at most PAGE_BYTES of resources and metadata
 * (at least one checkpoint). Both were one answer of every checkpoint: the web
 * UI reads an experiment's, deleted ones too, every 10 s while it runs, and
 * 20,000 checkpoints of ten files each were 13.4 MB in 0.7 s an answer.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import type { CheckpointRow } from "../../src/master/storage/store.js";
import { CHECKPOINT_PAGE, nextPageAfter } from "../../src/protocol/api/paging.js";
import { type CheckpointList, PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let experimentId: number;
let trials: number[];
/** In the order they were taken: two per trial, of 0.4 PAGE_BYTES of metadata each. */
const added: CheckpointRow[] = [];

beforeAll(async () => {
  tm = await startTestMaster({ slots: 0 });
  experimentId = await createExperiment(tm, randomConfig(10, 2));
  trials = (await tm.store.listTrials({ experimentId })).map((t) => t.id).slice(0, 2);
  for (let i = 0; i < 6; i++) {
    const trialId = trials[i % 2]!;
    added.push(
      await tm.store.addCheckpoint({
        uuid: randomUUID(),
        trialId,
        experimentId,
        runId: 0,
        stepsCompleted: i + 1,
        resources: { "model.bin": 1000 },
        metadata: { note: `${i} `.padEnd(0.4 * PAGE_BYTES, "m") },
      }),
    );
  }
  await tm.store.markCheckpointsDeleted([added[1]!.uuid]);
});
afterAll(async () => tm?.close());

/** Every checkpoint `path` pages through from the start, and the size of each page. */
async function readAll(path: string, query = ""): Promise<{ uuids: string[]; pages: number[] }> {
  const uuids: string[] = [];
  const pages: number[] = [];
  let after: number | null = 0;
  while (after !== null) {
    expect(pages.length).toBeLessThan(20);
    const res = await tm.admin.get<CheckpointList>(`${path}?after=${after}${query}`);
    expect(res.status).toBe(200);
    uuids.push(...res.body.checkpoints.map((c) => c.uuid));
    pages.push(res.body.checkpoints.length);
    const limit = Number(new URLSearchParams(query.slice(1)).get("limit") ?? CHECKPOINT_PAGE);
    after = nextPageAfter(res.body, res.body.checkpoints.length, limit);
  }
  return { uuids, pages };
}

const uuidsOf = (rows: CheckpointRow[]) => rows.map((c) => c.uuid);
const kept = () => added.filter((_, i) => i !== 1);

test("an experiment's checkpoints come in pages of at most PAGE_BYTES, in the order they were taken", async () => {
  const first = await tm.admin.get<CheckpointList>(`/experiments/${experimentId}/checkpoints`);
  expect(first.status).toBe(200);
  expect(first.body.checkpoints.map((c) => c.uuid)).toEqual(uuidsOf(kept().slice(0, 2)));
  expect(first.body.truncated).toBe(true);
  expect(first.body.checkpoints[0]).toMatchObject({
    trialId: trials[0],
    stepsCompleted: 1,
    resources: { "model.bin": 1000 },
    sizeBytes: 1000,
    state: "ACTIVE",
  });
  expect(await readAll(`/experiments/${experimentId}/checkpoints`)).toEqual({
    uuids: uuidsOf(kept()),
    pages: [2, 2, 1],
  });
  expect(await readAll(`/experiments/${experimentId}/checkpoints`, "&includeDeleted=true")).toEqual(
    { uuids: uuidsOf(added), pages: [2, 2, 2] },
  );
  expect(await readAll(`/experiments/${experimentId}/checkpoints`, "&limit=1")).toEqual({
    uuids: uuidsOf(kept()),
    // A full page may be the last: the reader learns it from the empty one after it.
    pages: [1, 1, 1, 1, 1, 0],
  });
});

test("a trial's checkpoints come in pages the same way", async () => {
  const ofTrial = (t: number) => added.filter((c) => c.trialId === t);
  expect(await readAll(`/trials/${trials[0]}/checkpoints`)).toEqual({
    uuids: uuidsOf(ofTrial(trials[0]!)),
    pages: [2, 1],
  });
  // The deleted checkpoint is trial 2's first.
  expect(await readAll(`/trials/${trials[1]}/checkpoints`)).toEqual({
    uuids: uuidsOf(ofTrial(trials[1]!).slice(1)),
    pages: [2],
  });
});

test("a checkpoint shows the validation at its step, read for the page's trials only", async () => {
  // Trial 1's first checkpoint is at step 1, trial 2's second at step 4.
  for (const [t, step, loss] of [
    [trials[0]!, 1, 0.5],
    [trials[1]!, 4, 0.25],
  ] as const) {
    await tm.store.addMetrics(t, 0, [
      {
        group: "validation",
        stepsCompleted: step,
        metrics: { validation_loss: loss },
        reportTime: new Date(),
      },
    ]);
  }
  const read = vi.spyOn(tm.store, "listExperimentValidationValues");
  try {
    const res = await tm.admin.get<CheckpointList>(`/trials/${trials[1]}/checkpoints`);
    expect(res.body.checkpoints.map((c) => [c.stepsCompleted, c.validationMetric])).toEqual([
      [4, 0.25],
      [6, null],
    ]);
    expect(read.mock.calls.map(([q]) => q.trialIds)).toEqual([[trials[1]]]);
    const all = await tm.admin.get<CheckpointList>(`/experiments/${experimentId}/checkpoints`);
    expect(all.body.checkpoints[0]).toMatchObject({ stepsCompleted: 1, validationMetric: 0.5 });
  } finally {
    read.mockRestore();
  }
});

test("a checkpoint deleted while a page is read brings in none that the next page shows", async () => {
  const sizes = tm.store.listCheckpointSizes.bind(tm.store);
  // Kept: added[0], [2], [3], [4], [5]. A page of 2 is sized as [0], [2]; [2] is deleted before
  // it is read. Read by count, the page would show [0], [3], and the next, after [2], [3] again.
  const gone = added[2]!;
  vi.spyOn(tm.store, "listCheckpointSizes").mockImplementationOnce(async (filter) => {
    const sized = await sizes(filter);
    await tm.store.markCheckpointsDeleted([gone.uuid]);
    return sized;
  });
  try {
    const first = await tm.admin.get<CheckpointList>(
      `/experiments/${experimentId}/checkpoints?limit=2`,
    );
    expect(first.body.checkpoints.map((c) => c.uuid)).toEqual([added[0]!.uuid]);
    const second = await tm.admin.get<CheckpointList>(
      `/experiments/${experimentId}/checkpoints?limit=2&after=${first.body.next}`,
    );
    expect(second.body.checkpoints.map((c) => c.uuid)).toEqual(uuidsOf(added.slice(3, 5)));
  } finally {
    vi.restoreAllMocks();
  }
});

test("a page's paging fields out of range, or a field the route does not take, are refused with 400", async () => {
  for (const path of [
    `/experiments/${experimentId}/checkpoints?limit=0`,
    `/experiments/${experimentId}/checkpoints?limit=${CHECKPOINT_PAGE + 1}`,
    `/experiments/${experimentId}/checkpoints?after=-1`,
    `/experiments/${experimentId}/checkpoints?page=2`,
    `/trials/${trials[0]}/checkpoints?includeDeleted=true`,
    `/trials/${trials[0]}/checkpoints?limit=abc`,
  ]) {
    const res = await tm.admin.get<{ error: { code: string } }>(path);
    expect({ path, status: res.status }).toEqual({ path, status: 400 });
  }
});
