/**
 * The experiment's config as the master holds it, a fork made by editing it
 * in the page, and an ended trial continued from the trial page.
 */
import { describe, expect, test } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const config = {
  name: "one-trial",
  entrypoint: "node train.js",
  hyperparameters: { lr: 0.01, hidden: 64 },
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 200 } },
};

describe("config, fork and continue in the web UI", () => {
  test(
    "the full config is shown, an edited copy is forked, and an ended trial is continued",
    async () => {
      const tm = await ui.master({ slots: 2 });
      const { body } = await tm.admin.post<ExperimentDetail>("/experiments", {
        config,
        workdir: "/tmp",
      });
      await tm.settle();
      await new LiveTrials(tm, (hparams, length) => syntheticLoss({ hparams, length })).run(
        body.id,
      );
      const [trial] = await tm.store.listTrials({ experimentId: body.id });
      expect(trial?.state).toBe("COMPLETED");

      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      // One trial's curve is counted in the singular.
      await page.locator(".legend").getByText("1 trial · 2 points ·").waitFor();
      const panel = page.locator(".config-panel");
      await panel.getByText("Config", { exact: true }).click();
      // Every default as the master holds it, the seed it drew included.
      const shown = (await panel.locator("pre.config").textContent()) ?? "";
      expect(shown).toContain("max_restarts: 5");
      expect(shown).toContain(
        `experiment_seed: ${body.config && (body.config as { reproducibility: { experiment_seed: number } }).reproducibility.experiment_seed}`,
      );
      expect(shown).toContain("batches: 200");

      await panel.getByRole("button", { name: "Fork…" }).click();
      const editor = panel.getByLabel("config of the new experiment");
      const text = await editor.inputValue();
      expect(text).toBe(shown);
      // A bad edit is refused, naming the field; nothing is created.
      await editor.fill(text.replace("max_restarts: 5", "max_restarts: many"));
      await panel.getByRole("button", { name: "Create experiment" }).click();
      await panel.locator(".config-errors").getByText("max_restarts").waitFor();
      expect((await tm.store.listExperiments({})).length).toBe(1);
      await screenshot(page, "fork-editor-error");
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(page, "fork-editor-error-dark");
      await page.emulateMedia({ colorScheme: "light" });

      await editor.fill(
        text.replace("name: one-trial", "name: wider").replace("hidden:\n", "hidden:\n"),
      );
      await panel.getByRole("button", { name: "Create experiment" }).click();
      await page.getByRole("heading", { name: /wider/ }).waitFor();
      const forked = (await tm.store.listExperiments({})).find((e) => e.name === "wider")!;
      expect(page.url()).toContain(`#/experiments/${forked.id}`);
      expect(forked.workdir).toBe("/tmp");

      // Continue the ended trial from its page.
      await page.goto(`${tm.url}#/trials/${trial!.id}`);
      const form = page.locator(".continue-form");
      await form.getByLabel("total length to train to").fill("200");
      await form.getByRole("button", { name: "Continue" }).click();
      await form.getByText("length must be larger than the 200 batches").waitFor();
      await screenshot(page, "continue-form");
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(page, "continue-form-dark");
      await form.getByLabel("total length to train to").fill("500");
      await form.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("heading", { name: /trial \d+ continued/ }).waitFor();
      const continued = (await tm.store.listExperiments({})).at(-1)!;
      expect(page.url()).toContain(`#/experiments/${continued.id}`);
      expect(continued.config.searcher).toMatchObject({
        name: "single",
        max_length: { unit: "batches", value: 500 },
      });
      expect(continued.config.searcher.source_checkpoint_uuid).toBe(trial!.latestCheckpointUuid);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
