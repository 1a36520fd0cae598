/** The rungs of a successive-halving search: who reached each length and who went on. */
import { afterEach, describe, expect, test } from "vitest";
import { ashaRungs } from "../../src/master/domain/asha-rungs.js";
import type { AshaRungs } from "../../src/protocol/api/charts.js";
import { ashaConfig, syntheticLoss } from "../master/support/configs.js";
import { startTestMaster, type TestMaster } from "../master/support/harness.js";
import { TrialPlayer } from "../master/support/trial-player.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

describe("ASHA rungs", () => {
  test("a finished async_halving search shows 9 → 3 → 1 trials and who was promoted", async () => {
    tm = await startTestMaster({ slots: 3 });
    const { body } = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    await tm.settle();
    await new TrialPlayer(tm, syntheticLoss).run(body.id);
    const res = await tm.admin.get<AshaRungs>(`/experiments/${body.id}/rungs`);
    expect(res.status).toBe(200);
    const rungs = res.body.rungs;
    expect(rungs.map((r) => r.length)).toEqual([100, 300, 900]);
    expect(rungs.map((r) => r.reached.length)).toEqual([9, 3, 1]);
    expect(rungs[0]!.promoted).toEqual(rungs[1]!.reached);
    expect(rungs[1]!.promoted).toEqual(rungs[2]!.reached);
    expect(rungs[2]!.promoted).toEqual([]);
  });

  test("a trial given a longer op counts as promoted before it gets there", () => {
    const trials = [
      { id: 10, requestId: 1 },
      { id: 11, requestId: 2 },
    ];
    const rungs = ashaRungs(
      trials,
      [
        { type: "trialCreated", requestId: 1 },
        { type: "validationCompleted", requestId: 1, metric: 0.5, length: 100 },
        { type: "validationCompleted", requestId: 2, metric: 0.7, length: 100 },
      ],
      [{ trialId: 10, length: 300 }],
    );
    expect(rungs).toEqual([
      { length: 100, reached: [10, 11], promoted: [10] },
      { length: 300, reached: [], promoted: [] },
    ]);
  });
});
