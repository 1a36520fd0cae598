/** Experiments: create, list, get, act on, delete; their trials, checkpoints and validation curves. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { CursorQuery, ErrorResponses, IdParams } from "../../../protocol/api/common.js";
import { ApiError } from "../../../protocol/api/errors.js";
import { EXPERIMENT_PAGE } from "../../../protocol/api/paging.js";
import {
  CheckpointList,
  CreateExperimentBody,
  ExperimentCheckpointsQuery,
  ExperimentDetail,
  ExperimentList,
  ExperimentListQuery,
  MetricSeries,
  TrialList,
  TrialsQuery,
} from "../../../protocol/api/resources.js";
import { RUN_STATES } from "../../../protocol/api/run-states.js";
import type { Master } from "../../app/master.js";
import {
  mayChange,
  type Principal,
  requireExperimentOwner,
  requireUser,
} from "../../app/principal.js";
import { sizedPage } from "../../app/sized-page.js";
import type { ExperimentState } from "../../storage/store.js";
import { experimentDetail, experimentSummary, type OwnerView } from "../views.js";
import { checkpointPage, metricPage } from "./sized-pages.js";
import { trialPage } from "./trials.js";

const errors = ErrorResponses;
const tags = ["experiments"];
const STATES: ReadonlySet<string> = new Set(RUN_STATES);

export async function experimentRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = master;
  /** Owners by id, read once per request. */
  const owners = () => {
    const seen = new Map<number, Promise<OwnerView>>();
    return (id: number) => {
      let owner = seen.get(id);
      if (!owner) {
        owner = store.getUser(id).then((u) => ({ id, username: u?.username ?? `#${id}` }));
        seen.set(id, owner);
      }
      return owner;
    };
  };
  const detail = async (id: number, principal: Principal) => {
    const exp = await master.experiments.get(id);
    const showVariables = principal.kind === "user" && mayChange(principal.user, exp);
    return experimentDetail(
      exp,
      (await store.countTrials([id])).get(id) ?? {},
      master.ctx.now(),
      await owners()(exp.ownerId),
      showVariables,
    );
  };

  app.post(
    "/experiments",
    {
      schema: { tags, body: CreateExperimentBody, response: { 201: ExperimentDetail, ...errors } },
    },
    async (req, reply) => {
      const user = requireUser(req.principal);
      const exp = await master.experiments.create(req.body, user.id);
      return reply.status(201).send(await detail(exp.id, req.principal));
    },
  );

  app.get(
    "/experiments",
    {
      schema: {
        tags,
        querystring: ExperimentListQuery,
        response: { 200: ExperimentList, ...errors },
      },
    },
    async (req) => {
      requireUser(req.principal);
      // An empty name (`state=`, `state=,`, `state=ACTIVE,`) is refused, as an empty `after` or
      // `limit` is: read as "no filter" it would list every experiment, read as an empty set none.
      const states = req.query.state?.split(",");
      if (states?.includes(""))
        throw new ApiError(
          "BAD_REQUEST",
          `state: must be one or more states separated by commas, got ${JSON.stringify(req.query.state)}; leave it out to list experiments in every state`,
        );
      for (const s of states ?? []) {
        if (!STATES.has(s))
          throw new ApiError(
            "BAD_REQUEST",
            `state: unknown state "${s}"; one of ${[...STATES].join(", ")}`,
          );
      }
      const { after, limit = EXPERIMENT_PAGE } = req.query;
      const filter = {
        ...(states ? { states: states as ExperimentState[] } : {}),
        ...(after === undefined ? {} : { after }),
      };
      const { rows, next, truncated } = await sizedPage(
        await store.listExperimentSummarySizes({ ...filter, limit }),
        false,
        (from, through) => store.listExperimentSummaries({ ...filter, after: from, through }),
        after,
      );
      const owner = owners();
      const counts = await store.countTrials(rows.map((e) => e.id));
      const experiments = [];
      for (const exp of rows) {
        experiments.push(
          experimentSummary(exp, counts.get(exp.id) ?? {}, await owner(exp.ownerId)),
        );
      }
      return { experiments, next, truncated };
    },
  );

  app.get(
    "/experiments/:id",
    { schema: { tags, params: IdParams, response: { 200: ExperimentDetail, ...errors } } },
    async (req) => {
      requireUser(req.principal);
      return detail(req.params.id, req.principal);
    },
  );

  for (const action of ["pause", "activate", "cancel", "kill"] as const) {
    app.post(
      `/experiments/:id/${action}`,
      {
        schema: {
          tags,
          params: IdParams,
          body: Type.Optional(Type.Object({})),
          response: { 200: ExperimentDetail, ...errors },
        },
      },
      async (req) => {
        const user = requireExperimentOwner(
          req.principal,
          await master.experiments.get(req.params.id),
        );
        // Who stopped it is its end reason: on a shared master, not always its owner.
        if (action === "cancel" || action === "kill")
          await master.experiments[action](
            req.params.id,
            `${action === "kill" ? "killed" : "canceled"} by ${user.username}`,
          );
        else await master.experiments[action](req.params.id);
        return detail(req.params.id, req.principal);
      },
    );
  }

  app.delete(
    "/experiments/:id",
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      requireExperimentOwner(req.principal, await master.experiments.get(req.params.id));
      await master.experiments.delete(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/experiments/:id/trials",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: TrialsQuery,
        response: { 200: TrialList, ...errors },
      },
    },
    async (req) => {
      requireUser(req.principal);
      await master.experiments.get(req.params.id);
      const { after, limit } = req.query;
      return trialPage(master, req.params.id, after, limit);
    },
  );

  app.get(
    "/experiments/:id/checkpoints",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: ExperimentCheckpointsQuery,
        response: { 200: CheckpointList, ...errors },
      },
    },
    async (req) => {
      requireUser(req.principal);
      const exp = await master.experiments.get(req.params.id);
      const { after, limit, includeDeleted } = req.query;
      return checkpointPage(master, exp, { includeDeleted: includeDeleted === true }, after, limit);
    },
  );

  app.get(
    "/experiments/:id/validations",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: CursorQuery,
        response: { 200: MetricSeries, ...errors },
      },
    },
    async (req) => {
      requireUser(req.principal);
      await master.experiments.get(req.params.id);
      return metricPage(store, {
        experimentId: req.params.id,
        limit: req.query.limit ?? 1000,
        ...(req.query.after !== undefined ? { after: req.query.after } : {}),
      });
    },
  );
}
