/** Trials as users see them: listings, details, metric series, logs, checkpoints. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { ErrorResponses, IdParams } from "../../../protocol/api/common.js";
import type { TrialSummary } from "../../../protocol/api/resources.js";
import {
  CheckpointList,
  LOG_PAGE_BYTES,
  LogPage,
  LogsQuery,
  MetricSeries,
  MetricsQuery,
  TrialDetail,
} from "../../../protocol/api/resources.js";
import { logKey } from "../../app/effects.js";
import type { Master } from "../../app/master.js";
import { requireTrialReader } from "../../app/principal.js";
import type { TrialRow } from "../../storage/store.js";
import { clientGone } from "../server.js";
import { allocationSummary, checkpointView, logLine, metricPoint, trialSummary } from "../views.js";

const errors = ErrorResponses;
const tags = ["trials"];

/** Trials with their current op and whether they run: a fixed number of queries per experiment. */
export async function trialSummaries(master: Master, trials: TrialRow[]): Promise<TrialSummary[]> {
  const live = new Map((await master.store.listLiveAllocations()).map((a) => [a.trialId, a]));
  const next = new Map<number, number>();
  for (const experimentId of new Set(trials.map((t) => t.experimentId))) {
    for (const op of await master.store.listNextTrialOps(experimentId))
      next.set(op.trialId, op.length);
  }
  const now = master.ctx.now();
  return trials.map((t) => trialSummary(t, next.get(t.id) ?? null, live.get(t.id), now));
}

/**
 * How many of `sizes` fit in `budget` bytes, at least one: the first ones, or
 * with `newest` the last ones (a tail). A page of 10,000 lines of 64 KiB would
 * be too big to read, to send, or even to build as one string.
 */
function fitting(sizes: { bytes: number }[], budget: number, newest: boolean): number {
  const order = newest ? [...sizes].reverse() : sizes;
  let used = 0;
  let n = 0;
  for (const { bytes } of order) {
    used += bytes;
    if (n > 0 && used > budget) break;
    n++;
  }
  return n;
}

export async function trialRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = master;

  app.get(
    "/trials/:id",
    { schema: { tags, params: IdParams, response: { 200: TrialDetail, ...errors } } },
    async (req) => {
      requireTrialReader(req.principal, req.params.id);
      const trial = await master.push.trial(req.params.id);
      const [summary] = await trialSummaries(master, [trial]);
      const allocations = (await store.listAllocations(trial.id)).map(allocationSummary);
      const ops = (await store.listTrialOps(trial.id)).map((o) => ({
        length: o.length,
        completed: o.completed,
        searcherMetric: o.searcherMetric,
      }));
      return { ...summary!, allocations, ops };
    },
  );

  app.get(
    "/trials/:id/metrics",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: MetricsQuery,
        response: { 200: MetricSeries, ...errors },
      },
    },
    async (req) => {
      requireTrialReader(req.principal, req.params.id);
      await master.push.trial(req.params.id);
      const limit = req.query.limit ?? 1000;
      const rows = await store.listMetrics({
        trialId: req.params.id,
        after: req.query.after ?? 0,
        limit,
        ...(req.query.group ? { group: req.query.group } : {}),
      });
      const last = rows[rows.length - 1];
      return { metrics: rows.map(metricPoint), next: last ? last.id : (req.query.after ?? null) };
    },
  );

  app.get(
    "/trials/:id/logs",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: LogsQuery,
        response: { 200: LogPage, ...errors },
      },
    },
    async (req, reply) => {
      requireTrialReader(req.principal, req.params.id);
      await master.push.trial(req.params.id);
      const q = req.query;
      const query = {
        trialId: req.params.id,
        after: q.after ?? 0,
        limit: q.limit ?? 1000,
        ...(q.tail ? { tail: q.tail } : {}),
      };
      // Sized first, then only the lines that fit are read.
      const read = async () => {
        const sizes = await store.listLogSizes(query);
        const n = fitting(sizes, LOG_PAGE_BYTES, q.tail !== undefined);
        const first = sizes[q.tail === undefined ? 0 : sizes.length - n];
        const rows = first
          ? await store.listLogs({ trialId: query.trialId, after: first.id - 1, limit: n })
          : [];
        return { rows, truncated: n < sizes.length };
      };
      let page = await read();
      if (page.rows.length === 0 && q.waitSeconds) {
        if (
          await master.ctx.notifier.wait(
            logKey(req.params.id),
            q.waitSeconds * 1000,
            clientGone(reply),
          )
        )
          page = await read();
      }
      const last = page.rows[page.rows.length - 1];
      return {
        logs: page.rows.map(logLine),
        next: last ? last.id : (q.after ?? null),
        truncated: page.truncated,
      };
    },
  );

  app.get(
    "/trials/:id/checkpoints",
    { schema: { tags, params: IdParams, response: { 200: CheckpointList, ...errors } } },
    async (req) => {
      requireTrialReader(req.principal, req.params.id);
      const trial = await master.push.trial(req.params.id);
      const exp = await master.experiments.get(trial.experimentId);
      const metrics = await master.experiments.validationMetrics(
        exp.id,
        exp.config.searcher.metric,
      );
      const rows = await store.listCheckpoints({ trialId: trial.id });
      return {
        checkpoints: rows.map((c) =>
          checkpointView(c, metrics.get(`${c.trialId}:${c.stepsCompleted}`) ?? null),
        ),
      };
    },
  );
}
