/** A trial that population-based training copied from another links to its parent. */
import { expect, test } from "vitest";
import { pbtConfig, syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

test(
  "a pbt trial's page links to the trial it was copied from, and a sampled trial's page names none",
  async () => {
    const tm = await ui.master({ slots: 2 });
    const { body } = await tm.admin.post<{ id: number }>("/experiments", {
      config: pbtConfig({
        population_size: 2,
        num_rounds: 2,
        length_per_round: { batches: 100 },
        replace_function: { truncate_fraction: 0.5 },
        explore_function: { resample_probability: 0, perturb_factor: 0.2 },
      }),
      workdir: "/tmp",
    });
    await tm.settle();
    await new LiveTrials(tm, (hparams, length) => syntheticLoss({ hparams, length })).run(body.id);
    const trials = await tm.store.listTrials({ experimentId: body.id });
    const child = trials.find((t) => t.parentTrialId !== null)!;
    expect(child.requestId).toBe(3);

    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/trials/${child.id}`);
    await page.getByRole("heading", { name: `Trial ${child.id}` }).waitFor();
    const card = page.locator(".card.parent");
    await card.getByText("Copied from").waitFor();
    await card.getByRole("link", { name: `Trial ${child.parentTrialId}` }).click();
    await page.getByRole("heading", { name: `Trial ${child.parentTrialId}` }).waitFor();
    expect(await page.locator(".card.parent").count()).toBe(0);
  },
  BROWSER_TEST_TIMEOUT,
);
