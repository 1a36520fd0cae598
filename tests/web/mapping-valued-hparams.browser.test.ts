/**
 * A categorical whose values are mappings is one column of the trials table,
 * one axis of the parallel coordinates, one scatter and one row of a trial's
 * hyperparameters; the config's nested group is still `model.depth`.
 */
import { describe, expect, test } from "vitest";
import { syntheticLoss } from "../master/support/configs.js";
import { createExperiment } from "../master/support/harness.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const ADAM = { name: "adam", beta: 0.9 };
const SGD = { name: "sgd", momentum: 0.5 };

const config = {
  name: "mapping-choices",
  entrypoint: "node train.js",
  hyperparameters: {
    lr: { type: "log", minval: -3, maxval: -2, count: 2 },
    optimizer: { type: "categorical", vals: [ADAM, SGD] },
    model: { depth: { type: "int", minval: 1, maxval: 2, count: 2 } },
  },
  searcher: { name: "grid", metric: "validation_loss", max_length: { batches: 100 } },
};

describe("hyperparameters whose values are mappings, in the web UI", () => {
  test(
    "an optimizer chosen among mappings is one column, axis and scatter, each choice one category",
    async () => {
      const tm = await ui.master();
      const id = await createExperiment(tm, config);
      await tm.settle();
      await new LiveTrials(tm, (hparams, length) => syntheticLoss({ hparams, length })).run(id);
      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/experiments/${id}`);
      await page.locator(".experiment-page[data-ready]").waitFor();

      expect(await page.locator(".pc-axis").allTextContents()).toEqual([
        "lr (log)",
        "model.depth",
        "optimizer",
        "validation_loss",
      ]);
      const headers = await page.locator(".vt-th").allTextContents();
      expect(headers.filter((h) => h.startsWith("optimizer"))).toEqual(["optimizer"]);
      expect(headers).toContain("model.depth");
      expect(await page.locator(".scatter").count()).toBe(3);

      await page.getByLabel("Filter trials").fill("momentum");
      await page.getByText("4 of 8 trials").waitFor();
      const cells = await page.locator(".vt-row .vt-td").allTextContents();
      expect(cells).toContain(JSON.stringify(SGD));

      const [trial] = await tm.store.listTrials({ experimentId: id });
      await page.goto(`${tm.url}#/trials/${trial!.id}`);
      const keys = page.locator(".kv th");
      await expect.poll(() => keys.allTextContents()).toEqual(["lr", "optimizer", "model.depth"]);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
