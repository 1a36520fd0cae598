/**
 * A search whose lengths are in epochs: its trials' metrics and checkpoints
 * are still counted in batches (what the Trainers report), so every axis and
 * column of steps says batches, while a trial's length trained and the
 * rungs say epochs.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("a search in epochs", () => {
  test(
    "names its curves', history's, metrics' and checkpoints' steps batches, and its lengths epochs",
    async () => {
      const tm = await ui.master();
      const parsed = parseExperimentConfig({
        name: "in-epochs",
        entrypoint: "true",
        hyperparameters: { global_batch_size: 32, lr: { type: "log", minval: -4, maxval: -1 } },
        records_per_epoch: 3200,
        searcher: {
          name: "random",
          metric: "validation_loss",
          max_length: { epochs: 2 },
          max_trials: 1,
        },
      });
      if (!parsed.ok) throw new Error("config is invalid");
      const owner = (await tm.store.getUserByName("admin"))!;
      const exp = await tm.store.createExperiment({
        name: "in-epochs",
        config: parsed.config,
        configYaml: null,
        workdir: "/tmp",
        ownerId: owner.id,
      });
      const trial = await tm.store.createTrial({
        experimentId: exp.id,
        requestId: 1,
        hparams: { global_batch_size: 32, lr: 0.01 },
        trialSeed: 1,
      });
      // 100 batches an epoch: the Trainer validates at batch 100 and 200.
      await tm.store.addMetrics(
        trial.id,
        1,
        [100, 200].map((batches, i) => ({
          group: "validation" as const,
          stepsCompleted: batches,
          metrics: { validation_loss: 1 / (i + 2) },
          reportTime: new Date(),
        })),
      );
      await tm.store.addCheckpoint({
        uuid: randomUUID(),
        trialId: trial.id,
        experimentId: exp.id,
        runId: 1,
        stepsCompleted: 200,
        resources: { "model.json": 10 },
        metadata: {},
      });
      await tm.store.updateTrial(trial.id, {
        state: "COMPLETED",
        lengthTrained: 2,
        completedLength: 2,
        latestValidation: 1 / 3,
        bestValidation: 1 / 3,
        endedAt: new Date(),
      });
      await tm.store.updateExperiment(exp.id, {
        state: "COMPLETED",
        progress: 1,
        bestMetric: 1 / 3,
        endedAt: new Date(),
      });

      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/experiments/${exp.id}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      expect(await page.locator(".curves").getAttribute("data-x-label")).toBe("batches");
      expect(await page.locator(".history").getAttribute("data-x-label")).toBe(
        "total batches trained",
      );
      await page.locator("summary", { hasText: "Checkpoints" }).click();
      const checkpoints = page.locator(".experiment-checkpoints table.checkpoints");
      await checkpoints.getByRole("cell", { name: "200", exact: true }).waitFor();
      expect(await checkpoints.locator("th").allInnerTexts()).toContain("Batches");

      await page.goto(`${tm.url}#/trials/${trial.id}`);
      await page.locator(".trial-page[data-ready]").waitFor();
      await page.locator(".card-label", { hasText: "Epochs trained" }).waitFor();
      const legend = page.locator(".metric-chart .u-legend .u-label");
      await legend.first().waitFor();
      expect(await legend.allInnerTexts()).toContain("batches");
      expect(await page.locator("table.checkpoints th").allInnerTexts()).toContain("Batches");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
