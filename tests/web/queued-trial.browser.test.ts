/** The trials table and the trial page show a trial whose job waits in the cluster's queue as queued. */
import { expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { trialRow, twoRunningTrials } from "./support/running-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

test(
  "a trial whose job is still queued shows a queued note rather than the running pulse",
  async () => {
    const tm = await ui.master({ slots: 4 });
    const { experimentId, first: spec, second: other } = await twoRunningTrials(tm);
    tm.launcher.queuedJobs.add(spec.allocationId);

    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/experiments/${experimentId}`);
    const row = (trialId: number) => trialRow(page, trialId);
    await row(spec.trialId).getByText("queued", { exact: true }).waitFor();
    expect(await row(spec.trialId).getByRole("img", { name: "running" }).count()).toBe(0);
    await row(other.trialId).getByRole("img", { name: "running" }).waitFor();
    expect(await row(other.trialId).getByText("queued", { exact: true }).count()).toBe(0);

    await page.goto(`${tm.url}#/trials/${spec.trialId}`);
    await page.getByRole("heading", { name: `Trial ${spec.trialId}` }).waitFor();
    await page.locator(".page-head").getByText("queued", { exact: true }).waitFor();
  },
  BROWSER_TEST_TIMEOUT,
);
