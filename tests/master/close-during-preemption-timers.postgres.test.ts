/**
 * A master that closes while a preemption timer is signalling a trial: the
 * line it writes about it ("sending SIGTERM") is stored before the store
 * closes, and nothing is written to the store after. The timer's read of the
 * allocation is held until the close is under way, as a slow database would.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster | null = null;
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await tm?.close();
  tm = null;
});

describe.each(["sqlite", "postgres"] as const)("on %s", (db) => {
  test("a SIGTERM line written as the master closes is stored before its store closes, and nothing after", async () => {
    const realSetTimeout = globalThis.setTimeout;
    const t = await startTestMaster({ db, slots: 1, preemptionTimeoutSeconds: 10 });
    tm = t;
    const created = await t.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    await t.settle();
    const [spec] = running(t);
    expect(spec).toBeDefined();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    expect((await t.admin.post(`/experiments/${created.body.id}/pause`)).status).toBe(200);
    await t.settle();

    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { store } = t;
    let storeClosed = false;
    const writes: { line: string; afterClose: boolean }[] = [];
    const addLogs = store.addLogs.bind(store);
    store.addLogs = (lines) => {
      for (const l of lines) writes.push({ line: l.line, afterClose: storeClosed });
      return addLogs(lines);
    };
    // The SIGTERM timer's read of the allocation answers once the close is under way.
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const getAllocation = store.getAllocation.bind(store);
    store.getAllocation = async (id) => {
      const row = await getAllocation(id);
      await gate;
      return row;
    };
    const close = store.close.bind(store);
    store.close = async () => {
      release();
      storeClosed = true;
      await close();
    };
    vi.advanceTimersByTime(5_000); // half the timeout: SIGTERM is due
    tm = null;
    const closing = t.close();
    realSetTimeout(release, 100); // a master that waits for the timer's work gets its answer too
    await closing;
    // Whatever the master still held would be written now.
    vi.advanceTimersByTime(10_000);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));

    expect(errors.mock.calls.map((c) => String(c[0]))).not.toContain(
      "pushtune: could not store trial logs:",
    );
    expect(writes).toContainEqual({
      line: "still running 5 s after it was told to stop: sending SIGTERM",
      afterClose: false,
    });
    expect(writes.filter((w) => w.afterClose)).toEqual([]);
  });
});
