import { expect, test } from "vitest";
import { FakeMaster, RequestError } from "../../src/sdk/index.js";
import { RecordingTrainer, tick } from "./recording-trainer.js";
import { openContext } from "./support.js";

test("a superseded allocation stops training and writes nothing more", async () => {
  const fm = new FakeMaster({
    ops: [100],
    config: { scheduling_unit: 10, checkpoint_policy: "none" },
  });
  const trainer = new RecordingTrainer({
    onBatch: async (i) => {
      if (i === 25) fm.supersede();
      await tick();
    },
  });
  const error = await trainer.fit({ ctx: await openContext(fm) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).code).toBe("STALE_ALLOCATION");
  expect(trainer.trained.length).toBeLessThan(100);
  expect(fm.checkpoints).toEqual([]);
  expect(fm.preemptionAcks).toBe(0);
  expect(fm.trainingMetrics.every((r) => r.stepsCompleted <= 30)).toBe(true);
});
