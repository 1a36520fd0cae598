/** Health, the OpenAPI document, search previews and checkpoint downloads. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { CheckpointFileParams, ErrorResponses, UuidParams } from "../../../protocol/api/common.js";
import { ApiError } from "../../../protocol/api/errors.js";
import { CheckpointSchema, HealthResponse, PreviewBody } from "../../../protocol/api/resources.js";
import { checkpointDir } from "../../app/checkpoint-files.js";
import type { Master } from "../../app/master.js";
import { requireUser } from "../../app/principal.js";
import type { PureWorkPool } from "../../app/pure-work-pool.js";
import { VERSION } from "../server.js";
import { checkpointView } from "../views.js";

const errors = ErrorResponses;

export async function systemRoutes(
  base: FastifyInstance,
  master: Master,
  pureWork: PureWorkPool,
): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/health",
    { config: { public: true }, schema: { tags: ["system"], response: { 200: HealthResponse } } },
    async () => ({
      status: "ok" as const,
      version: VERSION,
    }),
  );

  app.get("/openapi.json", { schema: { hide: true } }, async () => base.swagger());

  app.post(
    "/searcher/preview",
    {
      schema: {
        tags: ["searcher"],
        body: PreviewBody,
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    // A preview simulates the whole search: it runs in a worker thread, within a time budget.
    async (req, reply) => {
      requireUser(req.principal);
      const json = await pureWork.run({ kind: "preview", body: req.body });
      return reply.type("application/json").send(json);
    },
  );

  const checkpoint = async (uuid: string) => {
    const c = await master.store.getCheckpoint(uuid);
    if (!c) throw new ApiError("CHECKPOINT_NOT_FOUND", `no checkpoint ${uuid}`);
    return c;
  };

  app.get(
    "/checkpoints/:uuid",
    {
      schema: {
        tags: ["checkpoints"],
        params: UuidParams,
        response: { 200: CheckpointSchema, ...errors },
      },
    },
    async (req) => {
      requireUser(req.principal);
      const c = await checkpoint(req.params.uuid);
      const exp = await master.experiments.get(c.experimentId);
      const metrics = await master.experiments.validationMetrics(
        exp.id,
        exp.config.searcher.metric,
      );
      return checkpointView(c, metrics.get(`${c.trialId}:${c.stepsCompleted}`) ?? null);
    },
  );

  /** One file of a checkpoint, by its relative path (the CLI downloads them one by one). */
  app.get(
    "/checkpoints/:uuid/files/*",
    { schema: { tags: ["checkpoints"], params: CheckpointFileParams } },
    async (req, reply) => {
      requireUser(req.principal);
      const params = req.params;
      const c = await checkpoint(params.uuid);
      const rel = normalize(params["*"]);
      if (c.state !== "ACTIVE")
        throw new ApiError("CHECKPOINT_NOT_FOUND", `checkpoint ${c.uuid} was deleted`);
      if (!Object.hasOwn(c.resources, rel) || rel.startsWith("..")) {
        throw new ApiError("NOT_FOUND", `checkpoint ${c.uuid} has no file "${params["*"]}"`);
      }
      const exp = await master.experiments.get(c.experimentId);
      const path = join(checkpointDir(master.ctx, exp.config), c.uuid, rel);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile())
        throw new ApiError(
          "NOT_FOUND",
          `file "${rel}" of checkpoint ${c.uuid} is missing from storage`,
        );
      reply.header("content-length", info.size).type("application/octet-stream");
      return reply.send(createReadStream(path));
    },
  );
}
