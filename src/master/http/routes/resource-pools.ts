/** The master's resource pools: their launchers, slots, and the trials running in each. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { ErrorResponses } from "../../../protocol/api/common.js";
import { ResourcePoolList } from "../../../protocol/api/resource-pools.js";
import type { Master } from "../../app/master.js";
import { requireUser } from "../../app/principal.js";
import { resourcePoolViews } from "../../app/resource-pool-views.js";

export async function resourcePoolRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/resource-pools",
    { schema: { tags: ["system"], response: { 200: ResourcePoolList, ...ErrorResponses } } },
    async (req) => {
      requireUser(req.principal);
      return { resourcePools: await resourcePoolViews(master.ctx) };
    },
  );
}
