/** Trials as users see them: listings, details, metric series, logs, checkpoints. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { ErrorResponses, IdParams } from "../../../protocol/api/common.js";
import { TRIAL_PAGE } from "../../../protocol/api/paging.js";
import type { TrialList, TrialSummary } from "../../../protocol/api/resources.js";
import {
  CheckpointList,
  CheckpointsQuery,
  LogPage,
  LogsQuery,
  MetricSeries,
  MetricsQuery,
  TrialDetail,
} from "../../../protocol/api/resources.js";
import { logKey } from "../../app/effects.js";
import type { Master } from "../../app/master.js";
import { requireTrialReader } from "../../app/principal.js";
import { sizedPage } from "../../app/sized-page.js";
import type { TrialRow } from "../../storage/store.js";
import { clientGone } from "../server.js";
import { allocationSummary, logLine, trialSummary } from "../views.js";
import { checkpointPage, metricPage } from "./sized-pages.js";

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
  return trials.map((t) => {
    const a = live.get(t.id);
    const queued = a !== undefined && master.ctx.launcherOf(a)?.queued?.(a.id) === true;
    return trialSummary(t, next.get(t.id) ?? null, a, now, queued);
  });
}

/** A page of an experiment's trials in id order, within PAGE_BYTES of hyperparameters. */
export async function trialPage(
  master: Master,
  experimentId: number,
  after: number | undefined,
  limit = TRIAL_PAGE,
): Promise<TrialList> {
  const { store } = master;
  const { rows, next, truncated } = await sizedPage(
    await store.listTrialSizes({ experimentId, limit, ...(after === undefined ? {} : { after }) }),
    false,
    (from, through) => store.listTrials({ experimentId, after: from, through }),
    after,
  );
  return { trials: await trialSummaries(master, rows), next, truncated };
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
      const { group } = req.query;
      return metricPage(store, {
        trialId: req.params.id,
        limit: req.query.limit ?? 1000,
        ...(req.query.after !== undefined ? { after: req.query.after } : {}),
        ...(group ? { group } : {}),
      });
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
      const read = async () =>
        sizedPage(
          await store.listLogSizes(query),
          q.tail !== undefined,
          (from, through) =>
            store.listLogs({ trialId: query.trialId, after: from, through, limit: query.limit }),
          q.after,
        );
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
      return { logs: page.rows.map(logLine), next: page.next, truncated: page.truncated };
    },
  );

  app.get(
    "/trials/:id/checkpoints",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: CheckpointsQuery,
        response: { 200: CheckpointList, ...errors },
      },
    },
    async (req) => {
      requireTrialReader(req.principal, req.params.id);
      const trial = await master.push.trial(req.params.id);
      const exp = await master.experiments.get(trial.experimentId);
      const { after, limit } = req.query;
      return checkpointPage(master, exp, { trialId: trial.id }, after, limit);
    },
  );
}
