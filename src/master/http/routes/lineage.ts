/** New experiments from old ones: fork an experiment, continue an ended trial (experiment-lineage.ts). */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { ErrorResponses, IdParams } from "../../../protocol/api/common.js";
import {
  ContinueTrialBody,
  ExperimentDetail,
  ForkExperimentBody,
} from "../../../protocol/api/resources.js";
import type { Master } from "../../app/master.js";
import { requireUser } from "../../app/principal.js";
import { experimentDetail } from "../views.js";

const errors = ErrorResponses;

export async function lineageRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = master;
  /** The new experiment, as its creator (its owner) sees it. */
  const created = async (id: number) => {
    const exp = await master.experiments.get(id);
    const owner = await store.getUser(exp.ownerId);
    return experimentDetail(
      exp,
      (await store.countTrials([id])).get(id) ?? {},
      master.ctx.now(),
      { id: exp.ownerId, username: owner?.username ?? `#${exp.ownerId}` },
      true,
    );
  };

  app.post(
    "/experiments/:id/fork",
    {
      schema: {
        tags: ["experiments"],
        summary: "a new experiment from this one's config, or from an edited config",
        params: IdParams,
        // Every field is optional, so `curl -X POST …/fork` (no body) forks as {} does.
        body: Type.Optional(ForkExperimentBody),
        response: { 201: ExperimentDetail, ...errors },
      },
    },
    async (req, reply) => {
      const user = requireUser(req.principal);
      const exp = await master.lineage.fork(req.params.id, req.body ?? {}, user);
      return reply.status(201).send(await created(exp.id));
    },
  );

  app.post(
    "/trials/:id/continue",
    {
      schema: {
        tags: ["trials"],
        summary:
          "a new one-trial experiment that trains this ended trial on from its latest checkpoint",
        params: IdParams,
        body: ContinueTrialBody,
        response: { 201: ExperimentDetail, ...errors },
      },
    },
    async (req, reply) => {
      const user = requireUser(req.principal);
      const exp = await master.lineage.continueTrial(req.params.id, req.body, user);
      return reply.status(201).send(await created(exp.id));
    },
  );
}
