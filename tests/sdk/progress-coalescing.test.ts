import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("progress reported within one pacing interval is sent once, with the latest value", async () => {
  const fm = new FakeMaster({ ops: [1000] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    for (let length = 1; length <= 1000; length++) op.reportProgress(length);
    await ctx.flush();
    await op.reportCompleted(0.1);
  }
  expect(fm.progress).toEqual([1000]);
});

test("progress that piles up during an outage is sent once, with the latest value", async () => {
  const fm = new FakeMaster({ ops: [100] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    fm.down();
    for (let length = 1; length <= 100; length++) {
      op.reportProgress(length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    fm.up();
    await ctx.flush();
    await op.reportCompleted(0.1);
  }
  expect(fm.progress).toEqual([100]);
});

test("progress beyond the operation's length is refused before anything is sent", async () => {
  const fm = new FakeMaster({ ops: [100] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    expect(() => op.reportProgress(101)).toThrow(/outside this operation/);
    await op.reportCompleted(1);
  }
});
