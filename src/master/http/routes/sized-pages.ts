/** The pages of metrics and checkpoints, bounded in bytes by `sizedPage`. */
import { CHECKPOINT_PAGE } from "../../../protocol/api/paging.js";
import type { CheckpointList, MetricSeries } from "../../../protocol/api/resources.js";
import type { Master } from "../../app/master.js";
import { sizedPage } from "../../app/sized-page.js";
import type { ExperimentRow, MetricRowsQuery, Store } from "../../storage/store.js";
import { checkpointView, metricPoint } from "../views.js";

/** The page of metric rows `query` asks for, within PAGE_BYTES. */
export async function metricPage(store: Store, query: MetricRowsQuery): Promise<MetricSeries> {
  const { rows, next, truncated } = await sizedPage(
    await store.listMetricSizes(query),
    false,
    (after, through) => store.listMetrics({ ...query, after, through }),
    query.after,
  );
  return { metrics: rows.map(metricPoint), next, truncated };
}

/**
 * A page of checkpoints (`filter` picks an experiment's or a trial's), each
 * with the validation of the searcher's metric at its step, within
 * PAGE_BYTES of resources and metadata.
 */
export async function checkpointPage(
  master: Master,
  exp: ExperimentRow,
  filter: { trialId?: number; includeDeleted?: boolean },
  after: number | undefined,
  limit = CHECKPOINT_PAGE,
): Promise<CheckpointList> {
  const { store } = master;
  const picked = { experimentId: exp.id, ...filter };
  const { rows, next, truncated } = await sizedPage(
    await store.listCheckpointSizes({
      ...picked,
      limit,
      ...(after === undefined ? {} : { after }),
    }),
    false,
    (from, through) => store.listCheckpoints({ ...picked, after: from, through }),
    after,
  );
  // The validations of the page's trials only: a trial's page must not read every trial's.
  const metrics = await master.experiments.validationMetrics(exp.id, exp.config.searcher.metric, [
    ...new Set(rows.map((c) => c.trialId)),
  ]);
  return {
    checkpoints: rows.map((c) =>
      checkpointView(c, metrics.get(`${c.trialId}:${c.stepsCompleted}`) ?? null),
    ),
    next,
    truncated,
  };
}
