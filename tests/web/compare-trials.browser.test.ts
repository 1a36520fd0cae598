/** Comparing trials: picked in the table or from a plot, their curves overlaid per metric and their hyperparameters side by side. */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { seededExperimentPages } from "./support/seeded-page.js";

const pages = seededExperimentPages();

describe("comparing trials", () => {
  test(
    "two trials ticked in the table show each metric overlaid and their hyperparameters, differing ones marked; a third comes from the parallel coordinates",
    async () => {
      const { tm, page, experimentId } = await pages.open({ trials: 40, points: 6 });
      const trials = await tm.store.listTrials({ experimentId });
      // Two trials with the same optimizer: every other hyperparameter differs.
      const first = trials[0]!;
      const second = trials.find(
        (t) => t.id !== first.id && t.hparams.optimizer === first.hparams.optimizer,
      )!;
      expect(await page.locator("[data-view=compare]").count()).toBe(0);

      await page.getByLabel(`compare trial ${first.id}`, { exact: true }).check();
      await page.getByLabel(`compare trial ${second.id}`, { exact: true }).check();
      const compare = page.locator(".compare");
      await expect.poll(() => compare.getAttribute("data-loaded")).toBe("2");
      expect(new URL(page.url()).hash).toBe(
        `#/experiments/${experimentId}?compare=${first.id}%2C${second.id}`,
      );
      const chart = compare.locator('.metric-chart[data-metric="validation/validation_loss"]');
      await chart.waitFor();
      await expect(compare.locator("thead th").allTextContents()).resolves.toEqual([
        "trial",
        `${first.id}×`,
        `${second.id}×`,
      ]);
      for (const key of ["dropout", "hidden", "lr"])
        expect(await compare.locator(`tr[data-key="${key}"]`).getAttribute("class")).toBe(
          "differs",
        );
      expect(await compare.locator('tr[data-key="optimizer"]').getAttribute("class")).toBeNull();
      const bestRow = await compare
        .locator('tr[data-key="best validation_loss"] td')
        .allTextContents();
      expect(bestRow.map(Number)).toEqual(
        [first, second].map((t) => Number(t.bestValidation!.toPrecision(5))),
      );
      // States read as everywhere else on the page: "completed", not COMPLETED.
      expect(await compare.locator('tr[data-key="state"] td').allTextContents()).toEqual([
        "completed",
        "completed",
      ]);
      await screenshot(page, "compare-trials");

      // A line of the parallel coordinates picks its trial too.
      await page.locator(".pc").scrollIntoViewIfNeeded();
      const plot = (await page.locator(".pc-over").boundingBox())!;
      const tooltip = page.locator(".pc .tooltip");
      for (let i = 1; i < 60 && (await tooltip.count()) === 0; i++) {
        await page.mouse.move(plot.x + plot.width * 0.3, plot.y + (plot.height * i) / 60);
        await page.waitForTimeout(40);
      }
      const named = Number(/trial (\d+)/.exec((await tooltip.textContent()) ?? "")?.[1]);
      expect(named).toBeGreaterThan(0);
      await page.mouse.down();
      await page.mouse.up();
      if (named === first.id || named === second.id) {
        await expect.poll(() => compare.getAttribute("data-trials")).toBe("1");
      } else {
        await expect.poll(() => compare.getAttribute("data-loaded")).toBe("3");
        expect(await page.getByLabel(`compare trial ${named}`, { exact: true }).isChecked()).toBe(
          true,
        );
      }

      await page.getByRole("button", { name: "Clear comparison" }).click();
      await expect.poll(() => page.locator("[data-view=compare]").count()).toBe(0);
      expect(new URL(page.url()).hash).toBe(`#/experiments/${experimentId}`);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
