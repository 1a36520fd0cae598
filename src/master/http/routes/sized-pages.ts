/** The metric page, bounded in bytes by `sizedPage`. */
import type { MetricSeries } from "../../../protocol/api/resources.js";
import { sizedPage } from "../../app/sized-page.js";
import type { MetricRowsQuery, Store } from "../../storage/store.js";
import { metricPoint } from "../views.js";

/** The page of metric rows `query` asks for, within PAGE_BYTES. */
export async function metricPage(store: Store, query: MetricRowsQuery): Promise<MetricSeries> {
  const { rows, next, truncated } = await sizedPage(
    await store.listMetricSizes(query),
    false,
    (after, n) => store.listMetrics({ ...query, after, limit: n }),
    query.after,
  );
  return { metrics: rows.map(metricPoint), next, truncated };
}
