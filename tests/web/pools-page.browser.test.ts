/** The Pools page: each resource pool with its launcher, slots in use and what runs in it. */
import { expect, test } from "vitest";
import { ashaConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

test(
  "the Pools page lists each pool's slots in use, its experiments and its running trials, linked",
  async () => {
    const tm = await ui.master({
      pools: [
        { name: "cpu", slots: 4 },
        { name: "gpu", slots: 8 },
      ],
    });
    const { body } = await tm.admin.post<{ id: number }>("/experiments", {
      config: {
        ...ashaConfig(),
        name: "on-gpu",
        resources: { resource_pool: "gpu", slots_per_trial: 2 },
      },
      workdir: "/tmp",
    });
    await tm.settle();
    const trials = (await tm.store.listLiveAllocations()).map((a) => a.trialId).sort();
    expect(trials).toHaveLength(3);

    const { page } = await ui.browser();
    await page.goto(tm.url);
    await page.getByRole("link", { name: "Pools" }).click();
    await page.locator(".pools-page[data-ready]").waitFor();
    const cells = (pool: string) => page.locator(`tr[data-pool="${pool}"] td`).allInnerTexts();
    expect(await cells("cpu")).toEqual(["cpu\ndefault", "fake", "0 / 4 cpu", "–", "–"]);
    expect(await cells("gpu")).toEqual(["gpu", "fake", "6 / 8 cpu", "on-gpu", trials.join(", ")]);
    await screenshot(page, "pools");

    await page
      .locator('tr[data-pool="gpu"]')
      .getByRole("link", { name: String(trials[0]) })
      .click();
    await page.waitForURL(`**#/trials/${trials[0]}`);
    await page.goBack();
    await page.locator('tr[data-pool="gpu"]').getByRole("link", { name: "on-gpu" }).click();
    await page.waitForURL(`**#/experiments/${body.id}`);
  },
  BROWSER_TEST_TIMEOUT,
);

test(
  "a pool named default is not marked default a second time",
  async () => {
    const tm = await ui.master({ pools: [{ name: "default", slots: 2 }] });
    const { page } = await ui.browser({ width: 1280, height: 800 });
    await page.goto(`${tm.url}#/pools`);
    await page.locator(".pools-page[data-ready]").waitFor();
    const cells = await page.locator('tr[data-pool="default"] td').allInnerTexts();
    expect(cells[0]).toBe("default");
  },
  BROWSER_TEST_TIMEOUT,
);
