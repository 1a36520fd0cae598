import { afterEach, describe, expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { previewSearch } from "../../src/searcher/index.js";
import { adaptiveConfig, syntheticLoss } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { summarize, TrialPlayer } from "./support/trial-player.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

describe("a scripted HTTP client plays an adaptive ASHA experiment", () => {
  test("24 trials run to the end, with lengths the searcher planned and progress 1", async () => {
    tm = await startTestMaster({ slots: 4 });
    const created = await tm.admin.post<{ id: number; state: string }>("/experiments", {
      config: adaptiveConfig(24),
      workdir: "/tmp",
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const player = new TrialPlayer(tm, syntheticLoss);
    expect(await player.run(id)).toBe("COMPLETED");

    const trials = await summarize(tm, id);
    expect(trials).toHaveLength(24);
    expect(trials.every((t) => t.state === "COMPLETED")).toBe(true);
    // Every length a trial trained to is one of the plan's rung lengths, rising.
    const parsed = parseExperimentConfig(adaptiveConfig(24));
    if (!parsed.ok) throw new Error("config");
    const plan = previewSearch(parsed.config, {});
    const rungLengths = new Set(plan.trials.flatMap((t) => t.lengths));
    for (const t of trials) {
      expect(t.lengths.length).toBeGreaterThan(0);
      for (const l of t.lengths) expect(rungLengths.has(l)).toBe(true);
      expect([...t.lengths].sort((a, b) => a - b)).toEqual(t.lengths);
    }
    // The same hyperparameters as the plan made with the same seed.
    expect(trials.map((t) => t.hparams)).toEqual(plan.trials.map((t) => t.hparams));

    const exp = await tm.admin.get<{
      progress: number;
      bestMetric: number;
      trialCounts: Record<string, number>;
    }>(`/experiments/${id}`);
    expect(exp.body.progress).toBe(1);
    expect(exp.body.trialCounts).toEqual({ COMPLETED: 24 });
    const best = Math.min(
      ...trials.flatMap((t) =>
        t.lengths.map((length) => syntheticLoss({ hparams: t.hparams, length })),
      ),
    );
    expect(exp.body.bestMetric).toBe(best);
    // Never more trials running at once than the slots.
    expect(tm.launcher.launched.length).toBeGreaterThanOrEqual(24);
  });
});
