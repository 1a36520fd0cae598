/**
 * A search whose every trial crashed: the list and the page do not claim it
 * was done, and its charts say there is nothing to show (while it ran, that
 * their points will appear) instead of drawing bare axes; the parallel
 * coordinates span each hyperparameter's configured range.
 */
import { describe, expect, test } from "vitest";
import { randomConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("an experiment whose trials all failed", () => {
  test(
    "reads failed, not 100%, and its empty charts say so in words",
    async () => {
      const tm = await ui.master({ slots: 2 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: {
          ...randomConfig(100, 2),
          name: "crashing",
          hyperparameters: {
            lr: { type: "log", minval: -4, maxval: -1, base: 10 },
            hidden: { type: "int", minval: 16, maxval: 512 },
          },
          searcher: { ...randomConfig(100, 2).searcher, max_trials: 2 },
          max_restarts: 0,
        },
        workdir: "/tmp",
      });
      await tm.settle();
      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      const curves = page.locator(".curves");
      const history = page.locator(".history");
      // While it runs: nothing yet, and where it will appear.
      await curves.getByText("No trial has reported validation_loss yet").waitFor();
      await history.getByText("No validation_loss yet").waitFor();
      await page.getByText("each trial's best appears here").waitFor();
      expect(await curves.locator("canvas").count()).toBe(0);
      expect(await history.locator("canvas").count()).toBe(0);
      // The configured range, not a placeholder: lr spans 1e-4 to 0.1, hidden 16 to 512.
      const lrAxis = page.locator('.pc-axis[data-key="lr"]');
      expect(Number(await lrAxis.getAttribute("data-min"))).toBe(1e-4);
      expect(Number(await lrAxis.getAttribute("data-max"))).toBe(0.1);
      const hiddenAxis = page.locator('.pc-axis[data-key="hidden"]');
      expect(Number(await hiddenAxis.getAttribute("data-min"))).toBe(16);
      expect(Number(await hiddenAxis.getAttribute("data-max"))).toBe(512);
      // The metric's axis has no value to scale by: it has no range either.
      expect(await page.locator(".pc-axis.metric").getAttribute("data-min")).toBeNull();

      for (let i = 0; i < 10; i++) {
        const exp = await tm.store.getExperiment(body.id);
        if (exp?.state === "ERROR") break;
        for (const spec of tm.launcher.live.values())
          tm.launcher.exit(spec.allocationId, { exitCode: 1 });
        await tm.settle();
      }
      expect((await tm.store.getExperiment(body.id))?.state).toBe("ERROR");

      await page.reload();
      await page.locator(".page-head").getByText("error", { exact: true }).waitFor();
      const bar = page.locator(".cards").getByRole("progressbar");
      expect(await bar.getAttribute("aria-valuetext")).toBe("failed");
      expect(await bar.getAttribute("aria-valuenow")).toBe("0");
      await curves.getByText("No trial reported validation_loss").waitFor();
      await history.getByText("No trial reported validation_loss").waitFor();
      await page.getByText("there is nothing to plot against the hyperparameters").waitFor();
      expect(await page.locator(".scatter").count()).toBe(0);
      expect(await curves.locator("canvas").count()).toBe(0);
      await screenshot(page, "failed-experiment");

      await page.getByRole("link", { name: "← Experiments" }).click();
      const row = page.locator(`tr[data-experiment="${body.id}"]`);
      await row.getByText("error", { exact: true }).waitFor();
      expect(await row.getByRole("progressbar").getAttribute("aria-valuetext")).toBe("failed");
      expect(await row.getByRole("progressbar").textContent()).toBe("failed");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
