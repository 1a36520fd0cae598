/**
 * A custom searcher's experiment with trials running: what tests of how a
 * custom search ends start from.
 */
import { expect } from "vitest";
import { customConfig } from "./configs.js";
import type { TestMaster } from "./harness.js";
import { running } from "./trial.js";

export interface CustomSearch {
  id: number;
  /** Posts operations after the search's latest event. */
  post(operations: unknown[]): Promise<{ status: number }>;
}

/** Creates a custom search and `trials` trials each told to train to `length`; they run. */
export async function customSearchWithTrials(
  tm: TestMaster,
  trials: number,
  length: number,
): Promise<CustomSearch> {
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: customConfig(),
    workdir: "/tmp",
  });
  const id = created.body.id;
  await tm.settle();
  const post = async (operations: unknown[]) => {
    const seen = await tm.admin.get<{ events: { id: number }[] }>(
      `/experiments/${id}/searcher/events?after=0`,
    );
    const lastEventId = seen.body.events.at(-1)!.id;
    return tm.admin.post(`/experiments/${id}/searcher/operations`, { lastEventId, operations });
  };
  const hparams = { lr: 0.01, layers: 2, opt: "adam" };
  const ops = [];
  for (let requestId = 1; requestId <= trials; requestId++)
    ops.push({ type: "create", requestId, hparams }, { type: "validateAfter", requestId, length });
  expect((await post(ops)).status).toBe(200);
  await tm.settle();
  expect(running(tm)).toHaveLength(trials);
  return { id, post };
}
