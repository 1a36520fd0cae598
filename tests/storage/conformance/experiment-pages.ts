/**
 * Experiments read a page at a time for a list: `listExperimentSummaries`
 * reads what a list shows, without configs, and `listExperimentSummarySizes`
 * sizes a page (bytes of names, metrics and end reasons) before it is read.
 */
import { expect, test } from "vitest";
import type { ExperimentRow, ExperimentSummaryRow } from "../../../src/master/storage/store.js";
import type { ExperimentConfig } from "../../../src/protocol/config/types.js";
import { type ConformanceContext, newUser, sampleConfig } from "./context.js";

/** `n` experiments of one owner named `name(i)`, each with its own metric; the id before the first. */
async function experiments(
  ctx: ConformanceContext,
  n: number,
  name = (i: number) => `exp ${i}`,
): Promise<{ before: number; rows: ExperimentRow[] }> {
  const { store } = ctx;
  const owner = await newUser(store);
  const config = sampleConfig();
  const rows: ExperimentRow[] = [];
  for (let i = 0; i < n; i++) {
    const searcher = { ...config.searcher, metric: `metric_${i}`, smaller_is_better: i % 2 === 0 };
    rows.push(
      await store.createExperiment({
        name: name(i),
        config: { ...config, searcher } as ExperimentConfig,
        configYaml: "searcher: {}\n",
        workdir: "/tmp/work",
        ownerId: owner.id,
      }),
    );
  }
  return { before: rows[0]!.id - 1, rows };
}

/** What a summary holds of a full row. */
function summaryOf(e: ExperimentRow): ExperimentSummaryRow {
  const { config: _c, configYaml: _y, workdir: _w, ...summary } = e;
  return summary;
}

const utf8 = (s: string | null) => Buffer.byteLength(s ?? "", "utf8");

export function experimentPageTests(ctx: ConformanceContext): void {
  test("after, limit and states pick a page of experiment summaries in id order", async () => {
    const { store } = ctx;
    const { before, rows } = await experiments(ctx, 5);
    await store.updateExperiment(rows[1]!.id, { state: "PAUSED" });
    await store.updateExperiment(rows[3]!.id, {
      state: "ERROR",
      endedAt: new Date(Date.UTC(2031, 0, 2)),
      endReason: "trial 7 failed",
    });
    const now = await Promise.all(rows.map(async (e) => (await store.getExperiment(e.id))!));
    const ids = rows.map((e) => e.id);
    const page = async (filter: {
      after?: number;
      through?: number;
      limit?: number;
      states?: ("ACTIVE" | "ERROR")[];
    }) => store.listExperimentSummaries({ after: before, ...filter });
    expect(await page({})).toEqual(now.map(summaryOf));
    expect((await page({ limit: 2 })).map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect((await page({ after: ids[1]!, limit: 2 })).map((e) => e.id)).toEqual(ids.slice(2, 4));
    expect((await page({ states: ["ACTIVE", "ERROR"], limit: 3 })).map((e) => e.id)).toEqual([
      ids[0],
      ids[2],
      ids[3],
    ]);
    expect((await page({ after: ids[0]!, through: ids[3]! })).map((e) => e.id)).toEqual(
      ids.slice(1, 4),
    );
    expect(await page({ after: ids[4]! })).toEqual([]);
    expect(await page({ limit: 0 })).toEqual([]);
    expect(await page({ states: [] })).toEqual([]);
    expect(await store.listExperiments({ after: ids[2]!, limit: 1 })).toEqual([now[3]]);
  });

  test("the sizes of a page of experiments are the UTF-8 bytes of their names, metrics and end reasons, in the same order", async () => {
    const { store } = ctx;
    const { before, rows } = await experiments(ctx, 4, (i) => `größe ${"x".repeat(i * 1000)}`);
    await store.updateExperiment(rows[2]!.id, { state: "ERROR", endReason: "kaputt ✗" });
    for (const filter of [
      { after: before },
      { after: rows[0]!.id, limit: 2 },
      { after: before, states: ["ERROR" as const] },
      { after: before, limit: 0 },
    ]) {
      const summaries = await store.listExperimentSummaries(filter);
      const sizes = await store.listExperimentSummarySizes(filter);
      expect(sizes).toEqual(
        summaries.map((e) => ({
          id: e.id,
          bytes: utf8(e.name) + utf8(e.metric) + utf8(e.endReason),
        })),
      );
    }
    expect((await store.listExperimentSummarySizes({ after: before })).map((s) => s.bytes)).toEqual(
      [8, 1008, 2008 + 10, 3008].map((n, i) => n + `metric_${i}`.length),
    );
  });
}
