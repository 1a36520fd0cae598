/** The trials table and the trial page show a trial whose process ignores a request to stop. */
import { expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { trialRow, twoRunningTrials } from "./support/running-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** The indicator of a trial told to stop at least 45 s ago, however long the page took to load. */
const IGNORING_45_S_OR_MORE = /ignoring preemption for (4[5-9]|[5-9]\d|\d{3,}) s/;

test(
  "a trial told to stop 45 s ago that has not acknowledged shows it is ignoring its preemption",
  async () => {
    const tm = await ui.master({ slots: 4 });
    const { experimentId, first: spec, second: other } = await twoRunningTrials(tm);
    await tm.admin.post(`/experiments/${experimentId}/pause`);
    await tm.store.updateAllocation(spec.allocationId, {
      preemptRequestedAt: new Date(Date.now() - 45_000),
    });

    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/experiments/${experimentId}`);
    const row = (trialId: number) => trialRow(page, trialId);
    await row(spec.trialId).getByRole("img", { name: IGNORING_45_S_OR_MORE }).waitFor();
    // Told to stop just now: not (yet) ignoring it.
    expect(await row(other.trialId).locator(".ignoring-preemption").count()).toBe(0);
    await screenshot(page, "trials-table-ignoring-preemption");

    await page.goto(`${tm.url}#/trials/${spec.trialId}`);
    await page.getByRole("heading", { name: `Trial ${spec.trialId}` }).waitFor();
    await page.locator(".page-head").getByText(IGNORING_45_S_OR_MORE).waitFor();
    await screenshot(page, "trial-page-ignoring-preemption");
  },
  BROWSER_TEST_TIMEOUT,
);
