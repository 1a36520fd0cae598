/**
 * A cancel waits for trials to checkpoint and exit; one whose process ignores
 * that holds the experiment in "stopping canceled". Its page then offers Kill,
 * which stops the process at once and ends the experiment.
 */
import { describe, expect, test } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const config = {
  name: "deaf-trial",
  entrypoint: "node train.js",
  hyperparameters: { lr: 0.01 },
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 100 } },
};

describe("kill from the UI", () => {
  test(
    "an experiment stopping for a trial that ignores preemption is killed from its page",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<ExperimentDetail>("/experiments", {
        config,
        workdir: "/tmp",
      });
      await tm.settle();
      const [allocation] = [...tm.launcher.live.keys()];
      expect(allocation).toBeDefined();

      const { page } = await ui.browser();
      page.on("dialog", (dialog) => void dialog.accept());
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      const head = page.locator(".experiment-page .page-head");
      await head.getByRole("button", { name: "Cancel" }).click();
      await head.getByText("stopping canceled").waitFor();
      // The trial never answers the preemption: nothing more happens by itself.
      await tm.settle();
      expect((await tm.store.getExperiment(body.id))?.state).toBe("STOPPING_CANCELED");
      await screenshot(page, "stopping-canceled");

      await head.getByRole("button", { name: "Kill" }).click();
      await head.getByText("canceled", { exact: true }).waitFor({ timeout: 20_000 });
      expect(tm.launcher.killed).toContain(allocation);
      expect((await tm.store.getExperiment(body.id))?.state).toBe("CANCELED");
      expect(await head.getByRole("button").count()).toBe(0);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
