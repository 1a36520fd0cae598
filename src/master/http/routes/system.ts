/** Health, the OpenAPI document, search previews and checkpoint downloads. */
import { constants } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import { join, normalize, sep } from "node:path";
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
      const file = await openCheckpointFile(
        join(checkpointDir(master.ctx, exp.config), c.uuid),
        rel,
      );
      if (file === "missing")
        throw new ApiError(
          "NOT_FOUND",
          `file "${rel}" of checkpoint ${c.uuid} is missing from storage`,
        );
      if (file === "outside")
        throw new ApiError(
          "FORBIDDEN",
          `file "${rel}" of checkpoint ${c.uuid} is a link to outside the checkpoint; it is not served`,
        );
      reply.header("content-length", file.size).type("application/octet-stream");
      return reply.send(file.handle.createReadStream());
    },
  );
}

/**
 * Opens file `rel` of the checkpoint folder `dir` for reading, or says why
 * not. A checkpoint is written by a trial, which may run as another user or
 * on another machine than the master: a symbolic link in it (the file, or a
 * folder on its way) is followed only as far as the checkpoint's own folder,
 * so that a download cannot read the master's files (its token, its
 * database). Only a regular file is served: anything else (a folder, a named
 * pipe) is "missing", found so without waiting on it.
 */
async function openCheckpointFile(
  dir: string,
  rel: string,
): Promise<{ handle: FileHandle; size: number } | "missing" | "outside"> {
  const [root, real] = await Promise.all([
    realpath(dir).catch(() => null),
    realpath(join(dir, rel)).catch(() => null),
  ]);
  if (root === null || real === null) return "missing";
  if (!real.startsWith(root + sep)) return "outside";
  // O_NOFOLLOW: a link put in place of the file since it was resolved is not followed either.
  // O_NONBLOCK: a named pipe opens at once instead of waiting for a writer (then it is not a
  // file, so "missing"); a regular file reads as it would without it.
  const handle = await open(
    real,
    constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
  ).catch(() => null);
  if (!handle) return "missing";
  const info = await handle.stat();
  if (info.isFile()) return { handle, size: info.size };
  await handle.close();
  return "missing";
}
