/**
 * The experiment page's checkpoints and config sections, and a trial's log
 * search, at scale: 5,000 trials with 3 checkpoints each (two of them deleted
 * by the keep policy), and a trial with 20,000 log lines whose only error is
 * its first line. Times, in headless Chromium, from the click to the view
 * drawn. Aim: each under 1 s.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { CHECKPOINT_PAGE, nextPageAfter } from "../src/protocol/api/paging.js";
import type { CheckpointList } from "../src/protocol/api/resources.js";
import { launchBrowser, screenshot } from "../tests/web/support/browser.js";
import { ensureWebBuilt } from "../tests/web/support/build-web.js";
import { seedExperiment } from "../tests/web/support/seed-experiment.js";
import { fmt, startBenchMaster } from "./support/bench-master.js";

const TRIALS = Number(process.env.TRIALS ?? 5000);
const LOG_LINES = 20_000;

export async function run(): Promise<Record<string, number>> {
  await ensureWebBuilt();
  const bm = await startBenchMaster(4);
  const { store } = bm.master;
  const owner = (await store.getUserByName("admin"))!;
  const { experimentId, bestTrialId } = await seedExperiment(store, {
    trials: TRIALS,
    points: 10,
    name: "bench-sections",
    ownerId: owner.id,
  });
  const drop: string[] = [];
  for (const t of await store.listTrials({ experimentId })) {
    for (const steps of [300, 600, 1000]) {
      const uuid = randomUUID();
      await store.addCheckpoint({
        uuid,
        trialId: t.id,
        experimentId,
        runId: 1,
        stepsCompleted: steps,
        resources: { "model.bin": 1_000_000 },
        metadata: {},
      });
      if (steps !== 1000) drop.push(uuid);
    }
  }
  await store.markCheckpointsDeleted(drop);
  const lines = [
    { stream: "stderr" as const, line: "Traceback (most recent call last):" },
    ...Array.from({ length: LOG_LINES - 1 }, (_, i) => ({
      stream: "stdout" as const,
      line: `step ${i + 1}: loss ${(1 / (i + 1)).toFixed(5)}`,
    })),
  ];
  for (let i = 0; i < lines.length; i += 1000)
    await store.addLogs(
      lines
        .slice(i, i + 1000)
        .map((l) => ({ ...l, trialId: bestTrialId, allocationId: null, time: new Date() })),
    );

  const apiStarted = performance.now();
  // Every page, as the panel reads them.
  for (let after: number | null = 0; after !== null; ) {
    const page = (await fetch(
      `${bm.url}/api/v1/experiments/${experimentId}/checkpoints?includeDeleted=true&after=${after}&limit=${CHECKPOINT_PAGE}`,
      { headers: { authorization: `Bearer ${bm.token}` } },
    ).then((r) => r.json())) as CheckpointList;
    after = nextPageAfter(page, page.checkpoints.length, CHECKPOINT_PAGE);
  }
  const checkpointsApiMs = performance.now() - apiStarted;
  const browser = await launchBrowser({ token: bm.token, height: 1000 });
  const { page } = browser;
  const timed = async (act: () => Promise<void>) => {
    const started = performance.now();
    await act();
    return performance.now() - started;
  };
  let figures: {
    checkpointsMs: number;
    keptOnlyMs: number;
    configMs: number;
    searchMs: number;
    firstErrorMs: number;
  };
  try {
    await page.goto(`${bm.url}/#/experiments/${experimentId}`);
    await page.locator(".experiment-page[data-ready]").waitFor({ timeout: 60_000 });
    const checkpointsMs = await timed(async () => {
      await page.getByText("Checkpoints", { exact: true }).click();
      await page.locator(".experiment-checkpoints tbody tr").first().waitFor({ timeout: 60_000 });
    });
    const shown = Number(
      await page.locator(".experiment-checkpoints").getAttribute("data-checkpoints"),
    );
    if (shown !== TRIALS * 3) throw new Error(`the panel lists ${shown} checkpoints`);
    const keptOnlyMs = await timed(async () => {
      await page.getByLabel("kept only").check();
      await page.getByText(`page 1 of ${Math.ceil(TRIALS / 50)}`).waitFor();
    });
    const configMs = await timed(async () => {
      await page.locator(".config-panel").getByText("Config", { exact: true }).click();
      await page.locator(".config-panel pre.config").waitFor();
      await page.getByRole("button", { name: "Fork…" }).click();
      await page.getByLabel("config of the new experiment").waitFor();
    });
    await screenshot(page, "experiment-sections-5000-trials");

    await page.goto(`${bm.url}/#/trials/${bestTrialId}`);
    await page
      .locator(".logs")
      .getByText(`step ${LOG_LINES - 1}: loss`)
      .waitFor();
    const searchMs = await timed(async () => {
      await page.getByLabel("search the logs").fill("step 1999");
      await page.locator(".log-matches").getByText("10 of 1000 lines").waitFor();
    });
    await page.getByLabel("search the logs").fill("");
    const firstErrorMs = await timed(async () => {
      await page.getByRole("button", { name: "First error" }).click();
      await page.locator(".log-line.target").waitFor({ timeout: 60_000 });
    });
    figures = { checkpointsMs, keptOnlyMs, configMs, searchMs, firstErrorMs };
  } finally {
    await browser.close();
    await bm.close();
  }
  console.log(
    `experiment page sections, ${fmt(TRIALS)} trials, ${fmt(TRIALS * 3)} checkpoints; a trial of ${fmt(LOG_LINES)} log lines (aim: each < 1,000 ms):`,
  );
  console.log(`  open Checkpoints → first page drawn       ${fmt(figures.checkpointsMs)} ms`);
  console.log(`    of which GET checkpoints, every page (alone) ${fmt(checkpointsApiMs)} ms`);
  console.log(`  "kept only"                              ${fmt(figures.keptOnlyMs)} ms`);
  console.log(`  open Config, then Fork… → editor          ${fmt(figures.configMs)} ms`);
  console.log(`  search the last 1,000 log lines           ${fmt(figures.searchMs)} ms`);
  console.log(
    `  First error: load ${fmt(LOG_LINES)} lines, scroll to it  ${fmt(figures.firstErrorMs)} ms`,
  );
  return { ...figures, checkpointsApiMs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
