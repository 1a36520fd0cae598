/** A trial's page: its curve drawn from its metrics, and its logs following live. */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { ashaConfig, syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** The head of the Logs panel: its title and what it says of the trial's logs. */
const logsHead = (page: Page) =>
  page.locator(".panel-head", { has: page.getByRole("heading", { name: "Logs" }) });

const curve = (hparams: Record<string, unknown>, length: number) =>
  syntheticLoss({ hparams, length });

describe("the trial page", () => {
  test(
    "shows the trial's curves, checkpoints and runs, and log lines as they are written",
    async () => {
      const tm = await ui.master({ slots: 2 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig({}, { max_length: { batches: 2700 }, max_concurrent_trials: 2 }),
        workdir: "/tmp",
      });
      await tm.settle();
      const trials = new LiveTrials(tm, curve, 10, 50);
      for (let i = 0; i < 3; i++) await trials.step();
      const spec = [...tm.launcher.live.values()].sort((a, b) => a.trialId - b.trialId)[0]!;
      const trialId = spec.trialId;

      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      await page
        .locator(".vt-row")
        .getByRole("link", { name: String(trialId), exact: true })
        .click();
      await page.getByRole("heading", { name: `Trial ${trialId}` }).waitFor();

      const validation = page.locator('.metric-chart[data-metric="validation/validation_loss"]');
      const points = async () => Number(await validation.getAttribute("data-points"));
      await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(0);
      // The chart draws once its width is measured, a frame or more after its points arrive.
      const canvases = () => validation.locator("canvas").count();
      await expect.poll(canvases, { timeout: 20_000 }).toBe(1);
      const training = page.locator('.metric-chart[data-metric="training/loss"]');
      expect(Number(await training.getAttribute("data-points"))).toBeGreaterThan(0);
      const before = await points();
      await trials.step();
      await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(before);

      // Lines written now arrive through the open long poll.
      await logsHead(page).getByText("following", { exact: true }).waitFor();
      const logs = page.locator(".logs");
      await logs.getByText("step 100: loss").first().waitFor();
      tm.launcher.log(spec.allocationId, "epoch 3 finished in 12.5 s");
      await logs.getByText("epoch 3 finished in 12.5 s").waitFor({ timeout: 20_000 });
      const pushed = await tm.as(spec.env.PUSHTUNE_TOKEN!).post(`/trials/${trialId}/logs`, {
        lines: [{ stream: "stderr", line: "warning: learning rate is high" }],
      });
      expect(pushed.status).toBe(200);
      await logs.getByText("warning: learning rate is high").waitFor({ timeout: 20_000 });

      // The first op (300) ends with a checkpoint.
      for (let i = 0; i < 3; i++) await trials.step();
      await page.locator(".checkpoints tbody tr").first().waitFor({ timeout: 20_000 });
      await page.locator(".checkpoints").getByText("3.75 MB").first().waitFor();
      await page.locator(".allocations tbody tr").first().waitFor();
      await screenshot(page, "trial");
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "shows a failed trial's end reason with its last log lines one per line, on its page and its experiment's",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig({ max_restarts: 0 }, { max_trials: 1 }),
        workdir: "/tmp",
      });
      await tm.settle();
      const spec = [...tm.launcher.live.values()][0]!;
      tm.launcher.log(spec.allocationId, "Traceback (most recent call last):", "stderr");
      tm.launcher.log(spec.allocationId, "ImportError: no torch", "stderr");
      tm.launcher.exit(spec.allocationId, { exitCode: 1, signal: null });
      await tm.settle();

      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/trials/${spec.trialId}`);
      const reason = page.locator(".end-reason");
      await reason.waitFor();
      // As rendered: its lines kept apart, not run together as HTML would.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
      expect((await reason.innerText()).split("\n").slice(-2)).toEqual([
        "Traceback (most recent call last):",
        "ImportError: no torch",
      ]);
      // Its logs are not said to follow a trial that has ended.
      await page.locator(".logs").getByText("ImportError: no torch").waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
      expect(await logsHead(page).innerText()).toBe("Logs\ntrial ended");
      // Its operation was never finished, and nothing trains it any more.
      await page.locator(".cards").getByText("stopped on the way to").waitFor();
      expect(await page.getByRole("cell", { name: "training" }).count()).toBe(0);
      await page.getByRole("cell", { name: "not done" }).waitFor();
      // Nothing more will come: its empty panels do not say "yet".
      await page.getByText("The trial reported no metrics.").waitFor();
      await page.getByText("The trial saved no checkpoints.").waitFor();

      // No trial reported the metric: the experiment's page says why, and links the trial.
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      await page.locator(".trials-panel, .panel").getByText("1 trial", { exact: true }).waitFor();
      const failure = page.locator(".last-failure");
      await failure.getByRole("link", { name: `Trial ${spec.trialId} failed` }).waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
      expect((await failure.locator(".end-reason").innerText()).split("\n").at(-1)).toBe(
        "ImportError: no torch",
      );
      // The top bar's links stand apart.
      const [experiments, pools] = await page.locator(".topbar nav a").all();
      const gap = (await pools!.boundingBox())!.x - (await experiments!.boundingBox())!.x;
      expect(gap).toBeGreaterThan((await experiments!.boundingBox())!.width + 8);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
