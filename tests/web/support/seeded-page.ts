/**
 * A browser on the page of a finished experiment seeded straight into a UI
 * master's store (see seed-experiment.ts); both are closed after each test.
 */
import { afterEach } from "vitest";
import { type Browser, launchBrowser } from "./browser.js";
import { seedExperiment } from "./seed-experiment.js";
import { startUiMaster, type UiMaster } from "./ui-master.js";

export function seededExperimentPages() {
  let tm: UiMaster | null = null;
  let browser: Browser | null = null;
  afterEach(async () => {
    await browser?.close();
    await tm?.close();
    browser = tm = null;
  });
  return {
    /** Seeds `trials` × `points`, opens the experiment's page and waits until it is drawn. */
    async open(size: { trials: number; points: number }) {
      const master = await startUiMaster();
      tm = master;
      const owner = (await master.store.getUserByName("admin"))!;
      const seeded = await seedExperiment(master.store, { ...size, ownerId: owner.id });
      browser = await launchBrowser({ token: master.adminToken });
      const { page } = browser;
      await page.goto(`${master.url}#/experiments/${seeded.experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      return { tm: master, page, ...seeded };
    },
  };
}
