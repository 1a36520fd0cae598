/**
 * Times the experiment page's analysis views once the page is ready: the
 * work each last did to show the whole experiment (its `pushtune:*`
 * performance measures), then one interaction each, from the event to the
 * frame after the page settled.
 */
import type { Page } from "playwright-core";

/** In the page: resolves after the effects that follow a render have run and painted. */
const SETTLED = `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => requestAnimationFrame(done), 0))))`;

const measures = (page: Page) =>
  page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const m of performance.getEntriesByType("measure"))
      if (m.name.startsWith("pushtune:"))
        out[m.name.slice(9)] = (out[m.name.slice(9)] ?? 0) + m.duration;
    performance.clearMeasures();
    return out;
  });

async function interaction(page: Page, act: string, until: string): Promise<number> {
  return page.evaluate(
    `(async () => {
      const start = performance.now();
      ${act};
      for (let i = 0; i < 600 && !(${until}); i++) await new Promise((r) => setTimeout(r, 5));
      await ${SETTLED};
      return performance.now() - start;
    })()`,
  ) as Promise<number>;
}

export async function timeViews(page: Page): Promise<Record<string, number>> {
  await page.evaluate(SETTLED);
  const first = await measures(page);
  const out: Record<string, number> = {
    "optimization history: history of all validations": first.history ?? Number.NaN,
    "optimization history: draw": first["history-draw"] ?? Number.NaN,
    "parallel coordinates: axes": first.axes ?? Number.NaN,
    "parallel coordinates: draw": first["parallel-coordinates-draw"] ?? Number.NaN,
    "importance: compute": first.importance ?? Number.NaN,
  };

  out["optimization history: switch to wall time (interaction)"] = await interaction(
    page,
    `document.querySelectorAll(".history-axis input")[1].click()`,
    `document.querySelector(".history").dataset.xLabel.startsWith("wall")`,
  );

  // A drag on the lr axis from 20% to 50% of its height: the table, the curves and the plot follow.
  const rowsBefore = await page.locator(".vt-body").getAttribute("data-rows");
  out["parallel coordinates: brush lr (interaction)"] = await interaction(
    page,
    `const canvas = document.querySelector(".pc-over");
     const box = canvas.getBoundingClientRect();
     const x = box.left + Number(document.querySelector('.pc-axis[data-key="lr"]').dataset.x);
     const at = (f) => ({ clientX: x, clientY: box.top + box.height * f, pointerId: 1, bubbles: true });
     canvas.dispatchEvent(new PointerEvent("pointerdown", at(0.2)));
     await ${SETTLED};
     canvas.dispatchEvent(new PointerEvent("pointermove", at(0.5)));
     await ${SETTLED};
     canvas.dispatchEvent(new PointerEvent("pointerup", at(0.5)))`,
    `document.querySelector(".vt-body").dataset.rows !== ${JSON.stringify(rowsBefore)}`,
  );
  const brushed = await measures(page);
  out["parallel coordinates: brush filter"] = brushed.brush ?? Number.NaN;

  // Seven trials picked, then the time for the eighth: its metrics read, the overlays drawn.
  const boxes = page.locator(".vt-row input[type=checkbox]");
  for (let i = 0; i < 7; i++) await boxes.nth(i).check();
  await page.locator('.compare[data-loaded="7"]').waitFor();
  out["compare: pick an 8th trial (interaction)"] = await interaction(
    page,
    `document.querySelectorAll(".vt-row input[type=checkbox]")[7].click()`,
    `document.querySelector('.compare[data-loaded="8"] .metric-chart')`,
  );
  return out;
}
