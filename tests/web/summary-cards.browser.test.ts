/** The summary cards at the head of the experiment and trial pages stand in one row on a laptop's screen, and hold what they say. */

import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { randomConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** The distinct tops of the page's summary cards, in pixels. */
async function cardRows(page: Page): Promise<number[]> {
  const boxes = await page
    .locator(".cards > .card")
    .evaluateAll((cards) => cards.map((c) => Math.round(c.getBoundingClientRect().top)));
  expect(boxes.length).toBeGreaterThanOrEqual(5);
  return [...new Set(boxes)];
}

describe("the summary cards", () => {
  test(
    "of an experiment and of its best trial stand in one row at 1280 px, two to a row on a phone",
    async () => {
      const tm = await ui.master();
      const { experimentId, bestTrialId } = await ui.seed({ trials: 3, points: 3 });
      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      expect(await cardRows(page)).toHaveLength(1);
      await page.goto(`${tm.url}#/trials/${bestTrialId}`);
      await page.locator(".trial-page[data-ready]").waitFor();
      expect(await cardRows(page)).toHaveLength(1);

      await page.setViewportSize({ width: 400, height: 800 });
      expect((await cardRows(page)).length).toBeGreaterThan(1);
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "hold a long metric name within the Best card, wrapped",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const base = randomConfig(100, 1);
      const metric = "validation_accuracy_of_the_held_out_split";
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: { ...base, searcher: { ...base.searcher, metric, max_trials: 1 } },
        workdir: "/tmp",
      });
      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      const label = page.locator(".card-label", { hasText: metric });
      await label.waitFor();
      const fits = await label.evaluate((e) => e.scrollWidth <= e.clientWidth);
      expect(fits).toBe(true);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
