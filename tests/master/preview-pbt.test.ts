/** `POST /searcher/preview` of a pbt search: its rounds, and which trials start from a checkpoint. */
import { afterEach, expect, test } from "vitest";
import { pbtConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster | null = null;
afterEach(async () => {
  await tm?.close();
  tm = null;
});

interface Preview {
  trials: { requestId: number; lengths: number[]; checkpoint?: { requestId: number } }[];
  totalLength: number;
}

test("previews a pbt search: every round trains the population, the copies name their parents", async () => {
  tm = await startTestMaster();
  const res = await tm.admin.post<Preview>("/searcher/preview", { config: pbtConfig() });
  expect(res.status).toBe(200);
  // Four trials, three rounds of 300 batches. With the constant metric all tie and rank by
  // request id: the last is dropped each round and a copy of trial 1 takes its place.
  expect(res.body.totalLength).toBe(4 * 3 * 300);
  expect(res.body.trials.map((t) => t.lengths.at(-1))).toEqual([900, 900, 900, 300, 600, 900]);
  expect(res.body.trials.map((t) => t.checkpoint?.requestId ?? null)).toEqual([
    null,
    null,
    null,
    null,
    1,
    1,
  ]);
});
