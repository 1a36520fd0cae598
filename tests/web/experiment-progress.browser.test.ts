/** An experiment created through the API appears in the UI and its progress and curves move live. */
import { describe, expect, test } from "vitest";
import { adaptiveConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** Falls with training, best for lr near 1e-2 and little dropout. */
const curve = (h: Record<string, unknown>, steps: number) => {
  const d = Math.log10(Number(h.lr)) + 2;
  return 0.15 + 0.4 * d * d + Number(h.dropout ?? 0) * 0.3 + 2 / Math.sqrt(1 + steps / 40);
};

describe("a running experiment in the UI", () => {
  test(
    "appears in the experiments table, and its progress and curves grow as trials report",
    async () => {
      const tm = await ui.master({ slots: 4 });
      const { page } = await ui.browser();
      await page.goto(tm.url);
      await page.getByText("No experiments yet").waitFor();

      const created = await tm.admin.post<{ id: number }>("/experiments", {
        config: { ...adaptiveConfig(16), name: "mlp-adaptive" },
        workdir: "/tmp",
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      await tm.settle();
      const row = page.locator(`tr[data-experiment="${id}"]`);
      await row.getByRole("link", { name: "mlp-adaptive" }).waitFor();
      await row.getByText("active", { exact: true }).waitFor();
      const progress = async () =>
        Number(await row.getByRole("progressbar").getAttribute("aria-valuenow"));
      expect(await progress()).toBe(0);

      const trials = new LiveTrials(tm, curve);
      for (let i = 0; i < 6; i++) await trials.step();
      await expect.poll(progress, { timeout: 20_000 }).toBeGreaterThan(0);

      await row.getByRole("link", { name: "mlp-adaptive" }).click();
      const curves = page.locator(".curves");
      const points = async () => Number(await curves.getAttribute("data-points"));
      await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(0);
      const before = await points();
      for (let i = 0; i < 4; i++) await trials.step();
      await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(before);
      await page.locator(".vt-row").first().waitFor();
      await expect
        .poll(() => page.locator(".rung").count(), { timeout: 20_000 })
        .toBeGreaterThan(0);

      await trials.run(id);
      expect((await tm.store.getExperiment(id))?.state).toBe("COMPLETED");
      await page.locator(".page-head").getByText("completed", { exact: true }).waitFor();
      await page.locator(".experiment-page[data-ready]").waitFor();
      const trialCount = (await tm.store.listTrials({ experimentId: id })).length;
      await expect
        .poll(() => curves.getAttribute("data-trials"), { timeout: 20_000 })
        .toBe(String(trialCount));
      await page.locator(".scatter").first().waitFor();
      await page.waitForTimeout(300);
      await screenshot(page, "experiment");

      await page.getByRole("link", { name: "← Experiments" }).click();
      await row.getByText("completed", { exact: true }).waitFor();
      expect(await progress()).toBe(100);
      await screenshot(page, "experiments");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
