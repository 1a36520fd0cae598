/**
 * A custom searcher's experiment, and one with trials running: what tests of
 * its operations and of how a custom search ends start from.
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

/** The answer to a post of operations: applied or not, or the error. */
export interface OperationsAnswer {
  applied?: boolean;
  error?: { code: string; message: string };
}

/** Creates a custom searcher's experiment (`customConfig`); resolves with its id once it settled. */
export async function newCustomSearch(tm: TestMaster): Promise<number> {
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: customConfig(),
    workdir: "/tmp",
  });
  expect(created.status).toBe(201);
  await tm.settle();
  return created.body.id;
}

/** Posts `body` (`lastEventId`, `operations`, `progress`) to custom search `id`, as its admin. */
export function postOperations(tm: TestMaster, id: number, body: Record<string, unknown>) {
  return tm.admin.post<OperationsAnswer>(`/experiments/${id}/searcher/operations`, body);
}

/** Creates a custom search and `trials` trials each told to train to `length`; they run. */
export async function customSearchWithTrials(
  tm: TestMaster,
  trials: number,
  length: number,
): Promise<CustomSearch> {
  const id = await newCustomSearch(tm);
  const post = async (operations: unknown[]) => {
    const seen = await tm.admin.get<{ events: { id: number }[] }>(
      `/experiments/${id}/searcher/events?after=0`,
    );
    const lastEventId = seen.body.events.at(-1)!.id;
    return postOperations(tm, id, { lastEventId, operations });
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
