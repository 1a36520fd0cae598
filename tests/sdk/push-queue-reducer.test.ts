import { describe, expect, test } from "vitest";
import type { MetricReport } from "../../src/protocol/api/push.js";
import {
  emptyQueue,
  type PushItem,
  type QueueEvent,
  type QueueState,
  reducePushQueue,
} from "../../src/sdk/push-queue.js";

const report = (steps: number): MetricReport => ({
  group: "training",
  stepsCompleted: steps,
  metrics: { loss: 1 / (steps + 1) },
});
const metrics = (steps: number): PushItem => ({
  kind: "metrics",
  reports: [report(steps)],
  isolated: false,
});
const progress = (value: number): PushItem => ({ kind: "progress", progress: value });
const completed = (length: number): PushItem => ({
  kind: "completedOperation",
  body: { op: { length }, searcherMetric: 0.5 },
});

/** Runs events from a state; returns the final state and every output. */
function run(events: QueueEvent[], from: QueueState = emptyQueue, max?: number) {
  let state = from;
  const outputs = events.map((event) => {
    const step = reducePushQueue(state, event, max);
    state = step.state;
    return step.output;
  });
  return { state, outputs };
}

let ticket = 0;
const enqueue = (item: PushItem): QueueEvent => ({
  type: "enqueue",
  pushes: [{ item, tickets: [++ticket] }],
});

describe("the push queue reducer", () => {
  test("the first push is sent at once and only one request is ever in flight", () => {
    const { state, outputs } = run([
      enqueue(metrics(1)),
      enqueue(metrics(2)),
      enqueue(progress(2)),
    ]);
    expect(outputs.map((o) => o.send?.map((p) => p.item.kind).join("+") ?? null)).toEqual([
      "metrics",
      null,
      null,
    ]);
    expect(state.inFlight?.map((p) => p.item)).toEqual([metrics(1)]);
    expect(state.pending).toHaveLength(2);
  });

  test("metric reports waiting behind a request in flight merge into one batch", () => {
    const { state } = run([enqueue(metrics(1)), enqueue(metrics(2)), enqueue(metrics(3))]);
    expect(state.pending).toHaveLength(1);
    expect(state.pending[0]?.item).toEqual({
      kind: "metrics",
      reports: [report(2), report(3)],
      isolated: false,
    });
    expect(state.pending[0]?.tickets).toHaveLength(2);
  });

  test("a batch never grows past the maximum number of reports", () => {
    const { state } = run(
      [1, 2, 3, 4, 5].map((s) => enqueue(metrics(s))),
      emptyQueue,
      2,
    );
    expect(
      state.pending.map((p) => (p.item.kind === "metrics" ? p.item.reports.length : 0)),
    ).toEqual([2, 2]);
  });

  test("pending progress coalesces to the latest value and settles every caller when sent", () => {
    const first = run([
      enqueue(metrics(1)),
      enqueue(progress(10)),
      enqueue(metrics(2)),
      enqueue(progress(20)),
    ]);
    expect(first.state.pending.map((p) => p.item)).toEqual([progress(20), metrics(2)]);
    // Progress and the reports next to it go in one request.
    const after = run([{ type: "delivered" }, { type: "delivered" }], first.state);
    expect(after.outputs[0]?.send?.map((p) => p.item)).toEqual([progress(20), metrics(2)]);
    expect(after.outputs[1]?.settled?.tickets).toHaveLength(3);
    expect(after.state.inFlight).toBeNull();
  });

  test("progress never jumps over an operation's completion", () => {
    const { state } = run([
      enqueue(metrics(1)),
      enqueue(completed(100)),
      enqueue(progress(150)),
      enqueue(completed(200)),
      enqueue(progress(250)),
    ]);
    expect(state.pending.map((p) => p.item)).toEqual([
      completed(100),
      completed(200),
      progress(250),
    ]);
  });

  test("a completion absorbs the progress queued before it, and the reports around it merge", () => {
    const first = run([
      enqueue(metrics(1)),
      enqueue(metrics(2)),
      enqueue(progress(40)),
      enqueue(metrics(3)),
      enqueue(completed(50)),
    ]);
    expect(first.state.pending.map((p) => p.item)).toEqual([
      { kind: "metrics", reports: [report(2), report(3)], isolated: false },
      completed(50),
    ]);
    // The progress is done at once: a refusal of the completion is the completion's alone.
    expect(first.outputs[4]?.settled).toEqual({ tickets: [expect.any(Number)], error: null });
    const error = new Error("OP_MISMATCH");
    const refused = run(
      [
        { type: "delivered" }, // the first report; the batch and the completion go together
        { type: "refused", error, split: true }, // the pair: each part goes again alone
        { type: "delivered" }, // the batch
        { type: "refused", error, split: true }, // the completion
      ],
      first.state,
    );
    expect(refused.outputs.map((o) => o.send?.map((p) => p.item.kind).join("+") ?? null)).toEqual([
      "metrics+completedOperation",
      "metrics",
      "completedOperation",
      null,
    ]);
    expect(refused.outputs[1]?.settled).toBeNull();
    expect(refused.outputs[2]?.settled).toEqual({
      tickets: [expect.any(Number), expect.any(Number)],
      error: null,
    });
    expect(refused.outputs[3]?.settled).toEqual({ tickets: [expect.any(Number)], error });
  });

  test("a completion never goes before the metrics queued before it: it waits, or rides with them", () => {
    const { outputs } = run([
      enqueue(metrics(100)),
      enqueue(completed(100)),
      { type: "failedRetryable" },
      { type: "backoffElapsed" },
      { type: "delivered" },
      { type: "delivered" },
    ]);
    expect(outputs.map((o) => o.send?.map((p) => p.item.kind).join("+") ?? null)).toEqual([
      "metrics",
      null,
      null,
      "metrics+completedOperation",
      null,
      null,
    ]);
  });

  test("a failed batch waits for its backoff, then goes again merged with the reports behind it", () => {
    const { state, outputs } = run([
      enqueue(metrics(1)),
      enqueue(metrics(2)),
      { type: "failedRetryable" },
      enqueue(metrics(3)),
    ]);
    expect(outputs[2]?.backoff).toBe(1);
    expect(outputs[3]?.send).toBeNull();
    expect(state.pending).toHaveLength(1);
    expect(state.pending[0]?.retried).toBe(true);
    const resumed = run([{ type: "backoffElapsed" }], state);
    expect(resumed.outputs[0]?.send?.[0]?.item).toEqual({
      kind: "metrics",
      reports: [report(1), report(2), report(3)],
      isolated: false,
    });
  });

  test("the backoff grows with consecutive failures and resets after a delivery", () => {
    const { outputs } = run([
      enqueue(metrics(1)),
      { type: "failedRetryable" },
      { type: "backoffElapsed" },
      { type: "failedRetryable" },
      { type: "backoffElapsed" },
      { type: "delivered" },
      enqueue(metrics(2)),
      { type: "failedRetryable" },
    ]);
    expect(outputs.map((o) => o.backoff).filter((b) => b !== null)).toEqual([1, 2, 1]);
  });

  test("a refused batch is split so each report is accepted or refused on its own", () => {
    const { state } = run([
      enqueue(metrics(0)),
      enqueue(metrics(1)),
      enqueue(metrics(2)),
      { type: "delivered" },
    ]);
    const error = new Error("conflict");
    const split = run([{ type: "refused", error, split: true }], state);
    expect(split.outputs[0]?.settled).toBeNull();
    expect(split.outputs[0]?.send?.[0]?.item).toEqual({
      kind: "metrics",
      reports: [report(1)],
      isolated: true,
    });
    const refused = run(
      [{ type: "delivered" }, { type: "refused", error, split: true }],
      split.state,
    );
    expect(refused.outputs[1]?.settled?.error).toBe(error);
    expect(refused.state.inFlight).toBeNull();
  });

  test("only a metrics batch rides with the progress or the completion next to it", () => {
    const checkpoint: PushItem = {
      kind: "checkpoint",
      body: { uuid: "c-00000001", trialId: 1, stepsCompleted: 1, resources: {}, metadata: {} },
    };
    const { outputs } = run([
      enqueue(checkpoint),
      enqueue(metrics(1)),
      enqueue(progress(1)),
      { type: "delivered" },
      enqueue(checkpoint),
      enqueue(completed(1)),
      { type: "delivered" },
      { type: "delivered" },
      enqueue(metrics(2)),
      enqueue(checkpoint),
      { type: "delivered" },
      { type: "delivered" },
    ]);
    expect(outputs.map((o) => o.send?.map((p) => p.item.kind).join("+") ?? null)).toEqual([
      "checkpoint",
      null,
      null,
      "metrics+progress",
      null,
      null,
      "checkpoint",
      "completedOperation",
      null,
      null,
      "metrics",
      "checkpoint",
    ]);
  });

  test("pushes queued at once on an idle queue can ride together", () => {
    const together = (...items: PushItem[]): QueueEvent => ({
      type: "enqueue",
      pushes: items.map((item) => ({ item, tickets: [++ticket] })),
    });
    const { outputs } = run([
      together(metrics(1), progress(1)),
      { type: "delivered" },
      together(metrics(2), metrics(3), progress(3), completed(3)),
    ]);
    expect(outputs[0]?.send?.map((p) => p.item)).toEqual([metrics(1), progress(1)]);
    // The completion absorbed the progress; the reports merged into one batch that rides with it.
    expect(outputs[2]?.settled?.tickets).toHaveLength(1);
    expect(outputs[2]?.send?.map((p) => p.item)).toEqual([
      { kind: "metrics", reports: [report(2), report(3)], isolated: false },
      completed(3),
    ]);
  });

  test("a refused pair resets the count of failures in a row: the master answered", () => {
    const { state } = run([
      enqueue(metrics(1)),
      enqueue(completed(1)),
      { type: "failedRetryable" },
      { type: "backoffElapsed" },
      { type: "refused", error: new Error("conflict"), split: true },
    ]);
    expect(state.failures).toBe(0);
    // Each part goes again on its own, the metrics first.
    expect(state.inFlight?.map((p) => [p.item.kind, p.alone])).toEqual([["metrics", true]]);
    expect(state.pending.map((p) => [p.item.kind, p.alone])).toEqual([
      ["completedOperation", true],
    ]);
  });

  test("a pair that failed without an answer goes again together, both marked as retried", () => {
    const { state, outputs } = run([
      enqueue(metrics(1)),
      enqueue(metrics(2)),
      enqueue(completed(2)),
      { type: "delivered" },
      { type: "failedRetryable" },
      { type: "backoffElapsed" },
    ]);
    expect(outputs[3]?.send?.map((p) => p.item)).toEqual([metrics(2), completed(2)]);
    expect(outputs[5]?.send?.map((p) => [p.item.kind, p.retried])).toEqual([
      ["metrics", true],
      ["completedOperation", true],
    ]);
    expect(state.pending).toEqual([]);
  });

  test("abandoning settles every push, in flight and pending, with the error", () => {
    const error = new Error("stale");
    const { state, outputs } = run([
      enqueue(metrics(1)),
      enqueue(completed(10)),
      enqueue(progress(15)),
      { type: "abandon", error },
    ]);
    expect(outputs[3]?.settled).toEqual({ tickets: expect.any(Array), error });
    expect(outputs[3]?.settled?.tickets).toHaveLength(3);
    expect(state).toEqual(emptyQueue);
  });
});
