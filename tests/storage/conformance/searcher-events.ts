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

  test("a custom search process's events come with their answers, and are sized with them in UTF-8 bytes", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    const create = { type: "create" as const, requestId: 1, hparams: { größe: "ä".repeat(500) } };
    const close = { type: "close" as const, requestId: 1 };
    const log: SearcherEvent[] = [
      { type: "initialize" },
      { type: "operationsPosted", triggeredBy: 1, operations: [create] },
      { type: "trialCreated", requestId: 1 },
      { type: "trialProgress", requestId: 1, length: 5 },
      { type: "trialClosed", requestId: 1 },
      // An answer logged after later events: it goes with the event it answers.
      { type: "operationsPosted", triggeredBy: 4, operations: [close] },
    ];
    for (const event of log) await store.appendSearcherEvent(experiment.id, event);
    await store.appendSearcherEvent(other.id, { type: "initialize" });
    await store.appendSearcherEvent(other.id, log[1]!);
    const read = [
      { seq: 1, event: log[0], operations: [create] },
      { seq: 3, event: log[2], operations: null },
      { seq: 4, event: log[3], operations: [close] },
      { seq: 5, event: log[4], operations: null },
    ];
    const q = (after: number, limit: number, through?: number) => ({
      experimentId: experiment.id,
      after,
      limit,
      ...(through === undefined ? {} : { through }),
    });
    expect(await store.listCustomSearcherEvents(q(0, 100))).toEqual(read);
    expect(await store.listCustomSearcherEvents(q(1, 2))).toEqual(read.slice(1, 3));
    expect(await store.listCustomSearcherEvents(q(5, 100))).toEqual([]);
    // Up to a seq (a sized page's last), however many the limit allows.
    expect(await store.listCustomSearcherEvents(q(0, 100, 4))).toEqual(read.slice(0, 3));
    expect(await store.listCustomSearcherEvents(q(1, 100, 2))).toEqual([]);
    const bytes = (e: SearcherEvent | undefined) => Buffer.byteLength(JSON.stringify(e));
    const sizes = [
      { id: 1, bytes: bytes(log[0]) + bytes(log[1]) },
      { id: 3, bytes: bytes(log[2]) },
      { id: 4, bytes: bytes(log[3]) + bytes(log[5]) },
      { id: 5, bytes: bytes(log[4]) },
    ];
    // Bytes, not characters: "ä" is two.
    expect(bytes(log[1])).toBeGreaterThan(JSON.stringify(log[1]).length);
    expect(await store.listCustomSearcherEventSizes(q(0, 100))).toEqual(sizes);
    expect(await store.listCustomSearcherEventSizes(q(1, 2))).toEqual(sizes.slice(1, 3));
    expect(await store.listCustomSearcherEventSizes(q(5, 100))).toEqual([]);
    expect(
      await store.listCustomSearcherEventSizes({ experimentId: other.id, after: 0, limit: 100 }),
    ).toEqual([{ id: 1, bytes: bytes({ type: "initialize" }) + bytes(log[1]) }]);
  });
}
