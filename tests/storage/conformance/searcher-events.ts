import { expect, test } from "vitest";
import type { SearcherEvent } from "../../../src/searcher/types.js";
import { type ConformanceContext, newExperiment, rejection } from "./context.js";

const everyKind: SearcherEvent[] = [
  { type: "initialize" },
  { type: "trialCreated", requestId: 1 },
  { type: "trialProgress", requestId: 1, length: 250 },
  { type: "validationCompleted", requestId: 1, metric: 0.123456789012345, length: 1000 },
  { type: "trialExitedEarly", requestId: 1, reason: "INVALID_HP" },
  { type: "trialClosed", requestId: 1 },
];

export function searcherEventTests(ctx: ConformanceContext): void {
  test("searcher events get seq 1, 2, 3 … and come back in order, every kind intact", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const seqs = [];
    for (const event of everyKind) seqs.push(await store.appendSearcherEvent(experiment.id, event));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.listSearcherEvents(experiment.id)).toEqual(
      everyKind.map((event, i) => ({ seq: i + 1, event })),
    );
  });

  test("each experiment has its own gapless sequence", async () => {
    const { store } = ctx;
    const a = await newExperiment(store);
    const b = await newExperiment(store);
    expect(await store.appendSearcherEvent(a.id, { type: "initialize" })).toBe(1);
    expect(await store.appendSearcherEvent(b.id, { type: "initialize" })).toBe(1);
    expect(await store.appendSearcherEvent(a.id, { type: "trialCreated", requestId: 1 })).toBe(2);
    expect(await store.appendSearcherEvent(a.id, { type: "trialCreated", requestId: 2 })).toBe(3);
    expect(await store.appendSearcherEvent(b.id, { type: "trialCreated", requestId: 1 })).toBe(2);
    expect((await store.listSearcherEvents(a.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await store.listSearcherEvents(b.id)).toEqual([
      { seq: 1, event: { type: "initialize" } },
      { seq: 2, event: { type: "trialCreated", requestId: 1 } },
    ]);
  });

  test("listing after a seq returns only the later events", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    for (let i = 1; i <= 5; i++) {
      await store.appendSearcherEvent(experiment.id, { type: "trialCreated", requestId: i });
    }
    expect((await store.listSearcherEvents(experiment.id, 3)).map((e) => e.seq)).toEqual([4, 5]);
    expect((await store.listSearcherEvents(experiment.id, 0)).map((e) => e.seq)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(await store.listSearcherEvents(experiment.id, 5)).toEqual([]);
    // With a limit, the first that many of them.
    expect((await store.listSearcherEvents(experiment.id, 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
    expect((await store.listSearcherEvents(experiment.id, 4, 3)).map((e) => e.seq)).toEqual([5]);
  });

  test("concurrent appends to one experiment get distinct, gapless seqs", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const seqs = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.appendSearcherEvent(experiment.id, { type: "trialCreated", requestId: i + 1 }),
      ),
    );
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const events = await store.listSearcherEvents(experiment.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // Each returned seq names the event that was appended with it.
    for (const [i, seq] of seqs.entries()) {
      expect(events[seq - 1]?.event).toEqual({ type: "trialCreated", requestId: i + 1 });
    }
  });

  test("a custom searcher's answers are found by the events they answer", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    const create = { type: "create" as const, requestId: 1, hparams: { lr: 0.1 } };
    const close = { type: "close" as const, requestId: 1 };
    await store.appendSearcherEvent(experiment.id, { type: "initialize" });
    await store.appendSearcherEvent(experiment.id, {
      type: "operationsPosted",
      triggeredBy: 1,
      operations: [create],
    });
    await store.appendSearcherEvent(experiment.id, { type: "trialCreated", requestId: 1 });
    await store.appendSearcherEvent(experiment.id, {
      type: "trialProgress",
      requestId: 1,
      length: 5,
    });
    await store.appendSearcherEvent(experiment.id, {
      type: "operationsPosted",
      triggeredBy: 4,
      operations: [close],
    });
    await store.appendSearcherEvent(other.id, { type: "initialize" });
    await store.appendSearcherEvent(other.id, {
      type: "operationsPosted",
      triggeredBy: 1,
      operations: [],
    });
    expect(await store.listSearcherAnswers(experiment.id, 1, 4)).toEqual([
      { answers: 1, operations: [create] },
      { answers: 4, operations: [close] },
    ]);
    expect(await store.listSearcherAnswers(experiment.id, 2, 3)).toEqual([]);
    expect(await store.listSearcherAnswers(experiment.id, 4, 4)).toEqual([
      { answers: 4, operations: [close] },
    ]);
    expect(await store.listSearcherAnswers(other.id, 1, 10)).toEqual([
      { answers: 1, operations: [] },
    ]);
  });

  test("appending to an unknown experiment fails", async () => {
    const error = await rejection(() =>
      ctx.store.appendSearcherEvent(987_654_321, { type: "initialize" }),
    );
    expect(error).toBeInstanceOf(Error);
  });

  test("an unknown experiment has no events", async () => {
    expect(await ctx.store.listSearcherEvents(987_654_321)).toEqual([]);
  });
}
