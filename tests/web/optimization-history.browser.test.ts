/** The optimization history: every validation and the best so far, against compute or wall time; a dot picks its trial for comparison. */
import { describe, expect, test } from "vitest";
import { optimizationHistory } from "../../src/protocol/analysis/optimization-history.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { seededExperimentPages } from "./support/seeded-page.js";

const pages = seededExperimentPages();

describe("the optimization history", () => {
  test(
    "shows every validation, the improvements of the best so far ending at the best trial, against compute and wall time",
    async () => {
      const { tm, page, experimentId, bestTrialId } = await pages.open({ trials: 60, points: 8 });
      const rows = await tm.store.listMetrics({ experimentId, limit: 10_000 });
      const expected = optimizationHistory(
        {
          trialIds: rows.map((r) => r.trialId),
          steps: rows.map((r) => r.stepsCompleted),
          values: rows.map((r) => r.metrics.validation_loss!),
          times: rows.map((r) => r.reportTime.getTime()),
        },
        true,
      );
      const best = (await tm.store.getExperiment(experimentId))!.bestMetric!;
      const view = page.locator("[data-view=optimization-history]");
      const history = view.locator(".history");
      expect(await history.getAttribute("data-points")).toBe(String(rows.length));
      expect(await history.getAttribute("data-improvements")).toBe(
        String(expected.improvements.length),
      );
      expect(expected.improvements.length).toBeGreaterThan(1);
      await view
        .getByText(`best so far ${Number(best.toPrecision(5))} (trial ${bestTrialId})`)
        .waitFor();
      expect(await history.getAttribute("data-x-label")).toBe("total batches trained");
      await screenshot(page, "optimization-history");

      await view.getByLabel("wall time").check();
      await expect
        .poll(() => history.getAttribute("data-x-label"))
        .toMatch(/^wall time \((seconds|minutes|hours)\)$/);

      // A dot names its trial and a click on it picks the trial for comparison.
      await view.getByLabel("compute (batches trained)").check();
      await history.scrollIntoViewIfNeeded();
      const plot = (await history.locator(".u-over").boundingBox())!;
      const tooltip = history.locator(".tooltip");
      for (let i = 1; i < 80 && (await tooltip.count()) === 0; i++) {
        await page.mouse.move(
          plot.x + (plot.width * ((i % 10) + 0.5)) / 10,
          plot.y + plot.height * (0.1 + Math.floor(i / 10) / 10),
        );
        await page.waitForTimeout(30);
      }
      const named = /trial (\d+)/.exec((await tooltip.textContent()) ?? "")?.[1];
      expect(named).toBeDefined();
      await page.mouse.down();
      await page.mouse.up();
      await expect
        .poll(() => new URL(page.url()).hash)
        .toBe(`#/experiments/${experimentId}?compare=${named}`);
      await page.locator("[data-view=compare]").waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
