/** A trial's page says whether its current operation is being trained or waits for a slot. */
import { describe, expect, test } from "vitest";
import { ashaConfig } from "../master/support/configs.js";
import { running } from "../master/support/trial.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("a trial's current operation", () => {
  test(
    "is training while its process runs, and waiting for a slot while it has none",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig({}, { max_trials: 2, max_concurrent_trials: 2 }),
        workdir: "/tmp",
      });
      await tm.settle();
      const trials = await tm.store.listTrials({ experimentId: body.id });
      const runningId = running(tm)[0]!.trialId;
      const waitingId = trials.find((t) => t.id !== runningId)!.id;

      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/trials/${waitingId}`);
      await page.locator(".cards").getByText("waiting for a slot to train to 100").waitFor();
      await page.getByRole("cell", { name: "waiting for a slot" }).waitFor();
      expect(await page.getByRole("cell", { name: "training", exact: true }).count()).toBe(0);

      await page.goto(`${tm.url}#/trials/${runningId}`);
      await page.locator(".cards").getByText("training to 100").waitFor();
      await page.getByRole("cell", { name: "training", exact: true }).waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
