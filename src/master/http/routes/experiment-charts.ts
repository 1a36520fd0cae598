/**
 * Read-only views of a whole experiment for charts: every trial's validation
 * curve as columns (read with a cursor, so a live page asks only for what is
 * new) and the rungs of a successive-halving search.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  AshaRungs,
  ValidationColumns,
  ValidationColumnsQuery,
} from "../../../protocol/api/charts.js";
import { ErrorBodySchema, IdParams } from "../../../protocol/api/common.js";
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
      return { rungs: await master.ctx.rungs.get(exp.id) };
    },
  );
}
