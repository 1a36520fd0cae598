/** Hyperparameter importance: the method is named on the page, and the hyperparameter the metric depends on comes first. */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { seededExperimentPages } from "./support/seeded-page.js";

const pages = seededExperimentPages();

describe("hyperparameter importance", () => {
  test(
    "ranks lr (which the seeded metric depends on most) first, then dropout, and gives the others about nothing",
    async () => {
      const { page } = await pages.open({ trials: 300, points: 3 });
      const view = page.locator("[data-view=importance]");
      const rows = view.locator(".imp-row");
      await expect.poll(() => rows.count()).toBe(4);
      const keys = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-key")));
      const shares = await rows.evaluateAll((els) =>
        els.map((e) => Number(e.getAttribute("data-explained"))),
      );
      expect(keys.slice(0, 2)).toEqual(["lr", "dropout"]);
      expect(shares[0]).toBeGreaterThan(0.5);
      expect(Math.max(...shares.slice(2))).toBeLessThan(0.02);
      // The seeded metric rises with dropout, and smaller is better: higher dropout is worse.
      await expect(view.locator('[data-key="dropout"] .imp-dir').textContent()).resolves.toMatch(
        /^higher is worse \(ρ 0\.\d\d\)$/,
      );
      await view.getByText(/not fANOVA/).waitFor();
      await view.getByText(/300 trials' rank by best validation_loss/).waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
