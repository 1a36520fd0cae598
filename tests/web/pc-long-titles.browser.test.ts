/**
 * Parallel coordinates over hyperparameters with long names: each axis
 * title stops short of its neighbours' (ending in an ellipsis, the whole
 * name in its tooltip), the metric's too, and a short title is left whole.
 */
import { describe, expect, test } from "vitest";
import { randomConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, expectSideBySide, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const LONG = "regularization_strength_of_the_embedding_layer";

describe("long axis titles", () => {
  test(
    "do not run into each other; the long one is cut and says all of itself in its tooltip",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const base = randomConfig(100, 3);
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: {
          ...base,
          hyperparameters: {
            lr: { type: "log", minval: -4, maxval: -1 },
            [LONG]: { type: "double", minval: 0, maxval: 1 },
            depth: { type: "int", minval: 1, maxval: 4 },
            [`another_${LONG}`]: { type: "double", minval: 0, maxval: 1 },
          },
          searcher: {
            ...base.searcher,
            metric: "validation_accuracy_of_the_held_out_split",
            smaller_is_better: false,
            max_trials: 3,
          },
        },
        workdir: "/tmp",
      });
      await tm.settle();
      const { page } = await ui.browser({ width: 1100, height: 800 });
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      const titles = page.locator(".pc-axis");
      await expect.poll(() => titles.count()).toBe(5);
      await page.locator(".pc").scrollIntoViewIfNeeded();
      await screenshot(page, "parallel-coordinates-long-titles");
      await expectSideBySide(titles);
      const cut = await page
        .locator(".pc-title")
        .evaluateAll((els) => els.map((e) => e.scrollWidth > e.clientWidth));
      expect(cut).toEqual([true, false, false, true, true]);
      const long = page.locator(`.pc-axis[data-key="${LONG}"]`);
      expect(await long.getAttribute("title")).toBe(LONG);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
