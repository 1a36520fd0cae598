/**
 * An operation answer with `preempt: true` flips the SDK's preemption as the
 * preemption signal would: the operations end, `shouldPreempt()` is true, and
 * a Trainer checkpoints, acknowledges and returns — even when the preemption
 * long poll never answers.
 */
import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import type { Transport } from "../../src/sdk/transport.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { openContext } from "./support.js";

/** The fake master, except that the preemption long poll hangs until it is given up. */
function withoutPreemptionSignal(fm: FakeMaster): Transport {
  return {
    request(method, path, body, options) {
      if (!path.includes("/signals/preemption")) return fm.request(method, path, body, options);
      return new Promise((_, reject) => {
        options?.signal?.addEventListener("abort", () => reject(options.signal?.reason), {
          once: true,
        });
      });
    },
  };
}

const config = {
  scheduling_unit: 10,
  min_checkpoint_period: null,
  checkpoint_policy: "none",
} as const;

test("a trial waiting for a promotion learns from its operation answer that it must stop", async () => {
  const fm = new FakeMaster({ ops: [40], closeAfterOps: false, config });
  const trainer = new RecordingTrainer();
  const ctx = await openContext(fm, { transport: withoutPreemptionSignal(fm) });
  setTimeout(() => fm.preempt(), 50);
  const result = await trainer.fit({ ctx });

  expect(result).toEqual({ outcome: "preempted", batches: 40 });
  expect(ctx.preempt.shouldPreempt()).toBe(true);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([40]);
  expect(fm.preemptionAcks).toBe(1);
});

test("the core loop's operations end when the completion's answer says preempt, and shouldPreempt() says so", async () => {
  const fm = new FakeMaster({ ops: [10, 20], config });
  const ctx = await openContext(fm, { transport: withoutPreemptionSignal(fm) });
  const seen: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    seen.push(op.length);
    fm.preempt();
    await op.reportCompleted(0.5);
  }
  expect(seen).toEqual([10]);
  expect(ctx.preempt.shouldPreempt()).toBe(true);
});
