/**
 * Read-only views of a whole experiment for charts: every trial's validation
 * curve as columns (read with a cursor, so a live page asks only for what is
 * new) and the rungs of a successive-halving search.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  type AshaRung,
  AshaRungs,
  ValidationColumns,
  ValidationColumnsQuery,
} from "../../../protocol/api/charts.js";
import { ErrorBodySchema, IdParams } from "../../../protocol/api/common.js";
import type { SearcherEvent } from "../../../searcher/types.js";
import type { Master } from "../../app/master.js";
import { requireUser } from "../../app/principal.js";
import { columnsJson, ValidationColumnsCache } from "./validation-columns-cache.js";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
};
const tags = ["experiments"];

/**
 * Rungs from what the searcher was told and what it asked for: a trial reached
 * length L when the searcher heard its validation at L, and was promoted from
 * L when it completed, or was given, a longer op afterwards.
 */
export function ashaRungs(
  trials: readonly { id: number; requestId: number }[],
  events: readonly SearcherEvent[],
  nextOps: readonly { trialId: number; length: number }[],
): AshaRung[] {
  const trialOf = new Map(trials.map((t) => [t.requestId, t.id]));
  const reached = new Map<number, number[]>();
  const furthest = new Map<number, number>();
  const further = (trialId: number, length: number) =>
    furthest.set(trialId, Math.max(furthest.get(trialId) ?? 0, length));
  for (const e of events) {
    if (e.type !== "validationCompleted") continue;
    const trialId = trialOf.get(e.requestId);
    if (trialId === undefined) continue;
    const rung = reached.get(e.length) ?? [];
    if (rung.length === 0) reached.set(e.length, rung);
    rung.push(trialId);
    further(trialId, e.length);
  }
  for (const op of nextOps) {
    further(op.trialId, op.length);
    if (!reached.has(op.length)) reached.set(op.length, []);
  }
  return [...reached.entries()]
    .sort(([a], [b]) => a - b)
    .map(([length, ids]) => {
      const unique = [...new Set(ids)].sort((a, b) => a - b);
      return {
        length,
        reached: unique,
        promoted: unique.filter((id) => (furthest.get(id) ?? 0) > length),
      };
    });
}

export async function experimentChartRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = master;
  const columns = new ValidationColumnsCache();

  app.get(
    "/experiments/:id/validation-columns",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: ValidationColumnsQuery,
        response: { 200: ValidationColumns, ...errors },
      },
    },
    async (req, reply) => {
      requireUser(req.principal);
      const exp = await master.experiments.get(req.params.id);
      const metric = exp.config.searcher.metric;
      const page = await columns.page(
        store,
        exp.id,
        metric,
        req.query.after ?? 0,
        req.query.limit ?? 100_000,
      );
      // Already JSON (see columnsJson): fastify sends a string as it is.
      const json = columnsJson(metric, page) as unknown as ValidationColumns;
      return reply.type("application/json; charset=utf-8").send(json);
    },
  );

  app.get(
    "/experiments/:id/rungs",
    { schema: { tags, params: IdParams, response: { 200: AshaRungs, ...errors } } },
    async (req) => {
      requireUser(req.principal);
      const exp = await master.experiments.get(req.params.id);
      const [trials, events, nextOps] = await Promise.all([
        // Ids only: a trial's hyperparameters may be hundreds of KB (a `const` list).
        store.listTrialStubs({ experimentId: exp.id }),
        store.listSearcherEvents(exp.id),
        store.listNextTrialOps(exp.id),
      ]);
      return {
        rungs: ashaRungs(
          trials,
          events.map((e) => e.event),
          nextOps,
        ),
      };
    },
  );
}
