/**
 * What a page's lists show lives in its address: the trials table's sort,
 * state and filter, the experiments list's state. A reload or a shared link
 * shows the same rows.
 */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("views in the address", () => {
  test(
    "a link with sort and filter opens sorted and filtered; what is changed on the page survives a reload",
    async () => {
      const tm = await ui.master();
      const { experimentId } = await ui.seed({ trials: 12, points: 3 });
      const trials = await tm.store.listTrials({ experimentId });
      const of = (optimizer: string) => trials.filter((t) => t.hparams.optimizer === optimizer);
      const sgd = of("sgd");
      expect(sgd.length).toBeGreaterThan(1);
      const { page } = await ui.browser({ width: 1280, height: 900 });

      await page.goto(`${tm.url}#/experiments/${experimentId}?sort=-best&filter=optimizer%3Dsgd`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      await page.getByText(`${sgd.length} of 12 trials`).waitFor();
      expect(await page.getByLabel("Filter trials").inputValue()).toBe("optimizer=sgd");
      const worst = [...sgd].sort((a, b) => b.bestValidation! - a.bestValidation!)[0]!;
      expect(await page.locator(".vt-row").first().locator("a").first().textContent()).toMatch(
        new RegExp(`^${worst.id}\\b`),
      );
      expect(await page.locator(".vt-th.sorted").textContent()).toBe("Best ▾");

      await page.getByLabel("Filter trials").fill("optimizer=adam");
      await page.getByLabel("Trial state").selectOption("COMPLETED");
      await page.getByText(`${of("adam").length} of 12 trials`).waitFor();
      expect(page.url()).toContain("filter=optimizer%3Dadam");
      await page.reload();
      await page.locator(".experiment-page[data-ready]").waitFor();
      await page.getByText(`${of("adam").length} of 12 trials`).waitFor();
      expect(await page.getByLabel("Filter trials").inputValue()).toBe("optimizer=adam");
      expect(await page.getByLabel("Trial state").inputValue()).toBe("COMPLETED");
      expect(await page.locator(".vt-th.sorted").textContent()).toBe("Best ▾");
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "the experiments list opens on the state its link names, and keeps the one picked over a reload",
    async () => {
      const tm = await ui.master();
      await ui.seed({ trials: 2, points: 2 });
      const { page } = await ui.browser({ width: 1280, height: 900 });
      await page.goto(`${tm.url}#/experiments?state=ACTIVE`);
      await page.getByText("No active experiments.").waitFor();
      expect(await page.getByLabel("Experiment state").inputValue()).toBe("ACTIVE");

      await page.getByLabel("Experiment state").selectOption("COMPLETED");
      await page.getByRole("link", { name: "seeded-2" }).waitFor();
      expect(page.url()).toContain("state=COMPLETED");
      await page.reload();
      await page.getByRole("link", { name: "seeded-2" }).waitFor();
      expect(await page.getByLabel("Experiment state").inputValue()).toBe("COMPLETED");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
