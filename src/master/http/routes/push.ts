/** The push API a trial speaks (DESIGN §4). */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { AllocationParams, Empty, ErrorResponses, IdParams } from "../../../protocol/api/common.js";
import { ApiError } from "../../../protocol/api/errors.js";
import {
  BestMetricResponse,
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  EnvironmentResponse,
  LogsBody,
  MAX_CHECKPOINT_BYTES,
  MAX_CHECKPOINT_METADATA_BYTES,
  MetricsBody,
  MetricsResponse,
  NextTrialBody,
  NextTrialResponse,
  OperationQuery,
  OperationResponse,
  PreemptionQuery,
  PreemptionResponse,
  ProgressBody,
} from "../../../protocol/api/push.js";
import type { Master } from "../../app/master.js";
import { requireTrialWriter } from "../../app/principal.js";
import { longVariables } from "../../app/trial-variables.js";
import { clientGone } from "../server.js";

const errors = ErrorResponses;

/**
 * A file's path relative to a checkpoint's folder in the one spelling a
 * download names it by: parts joined by "/", none empty, "." or "..", a
 * trailing "/" only to name a folder ("a/").
 */
function isResourcePath(path: string): boolean {
  const parts = (path.endsWith("/") ? path.slice(0, -1) : path).split("/");
  return parts.every((p) => p !== "" && p !== "." && p !== "..");
}

/** What the schema cannot say about a checkpoint: its files' paths, their total size, its metadata's size. */
function checkCheckpoint(body: CheckpointBody): void {
  const odd = Object.keys(body.resources).find((path) => !isResourcePath(path));
  if (odd !== undefined)
    throw new ApiError(
      "BAD_REQUEST",
      `body/resources: ${JSON.stringify(odd)} is not a file's path relative to the checkpoint's folder: its parts are joined by "/", and none is empty, "." or ".."`,
    );
  const total = Object.values(body.resources).reduce((sum, bytes) => sum + bytes, 0);
  if (total > MAX_CHECKPOINT_BYTES)
    throw new ApiError(
      "BAD_REQUEST",
      `body/resources: the files' sizes add up to more than ${MAX_CHECKPOINT_BYTES} bytes`,
    );
  const metadata = Buffer.byteLength(JSON.stringify(body.metadata));
  if (metadata > MAX_CHECKPOINT_METADATA_BYTES)
    throw new ApiError(
      "BAD_REQUEST",
      `body/metadata: ${metadata} bytes of JSON, more than the ${MAX_CHECKPOINT_METADATA_BYTES} allowed`,
    );
}
const tags = ["push"];

export async function pushRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const push = master.push;

  app.get(
    "/trials/:id/searcher/operation",
    {
      schema: {
        tags,
        params: IdParams,
        querystring: OperationQuery,
        response: { 200: OperationResponse, ...errors },
      },
    },
    async (req, reply) =>
      push.operation(req.principal, req.params.id, req.query.waitSeconds ?? 0, clientGone(reply)),
  );

  app.post(
    "/trials/:id/searcher/completed_operation",
    {
      schema: {
        tags,
        params: IdParams,
        body: CompletedOperationBody,
        // What asking for the next operation at once would answer: saves the trial that ask.
        response: { 200: OperationResponse, ...errors },
      },
    },
    async (req) => {
      const { metrics, ...completion } = req.body;
      if (metrics) await push.metricsAndProgress(req.principal, req.params.id, metrics);
      await push.completeOperation(req.principal, req.params.id, completion);
      return push.operation(req.principal, req.params.id, 0);
    },
  );

  app.post(
    "/trials/:id/early_exit",
    {
      schema: { tags, params: IdParams, body: EarlyExitBody, response: { 200: Empty, ...errors } },
    },
    async (req) => {
      await push.earlyExit(req.principal, req.params.id, req.body);
      return {};
    },
  );

  app.post(
    "/trials/:id/progress",
    { schema: { tags, params: IdParams, body: ProgressBody, response: { 200: Empty, ...errors } } },
    async (req) => {
      await push.progress(req.principal, req.params.id, req.body.progress);
      return {};
    },
  );

  app.post(
    "/trials/:id/metrics",
    {
      schema: {
        tags,
        params: IdParams,
        body: MetricsBody,
        response: { 200: MetricsResponse, ...errors },
      },
    },
    async (req) => ({
      inserted: await push.metricsAndProgress(req.principal, req.params.id, req.body),
    }),
  );

  app.post(
    "/trials/:id/logs",
    { schema: { tags, params: IdParams, body: LogsBody, response: { 200: Empty, ...errors } } },
    async (req) => {
      const a = requireTrialWriter(req.principal, req.params.id);
      const trial = await push.trial(req.params.id);
      // A trial that pushes faster than the store takes its lines waits for its answer.
      await master.supervisor.logs.room();
      const now = master.ctx.now();
      master.supervisor.logs.addMany(
        req.body.lines.map((l) => ({
          trialId: trial.id,
          allocationId: a.id,
          time: l.time ? new Date(l.time) : now,
          stream: l.stream,
          line: l.line,
        })),
      );
      return {};
    },
  );

  app.post(
    "/checkpoints",
    { schema: { tags, body: CheckpointBody, response: { 200: Empty, ...errors } } },
    async (req) => {
      checkCheckpoint(req.body);
      await push.checkpoint(req.principal, req.body);
      return {};
    },
  );

  app.get(
    "/experiments/:id/searcher/best_searcher_validation_metric",
    { schema: { tags, params: IdParams, response: { 200: BestMetricResponse, ...errors } } },
    async (req) => ({ metric: await push.bestValidation(req.principal, req.params.id) }),
  );

  app.get(
    "/allocations/:id/signals/preemption",
    {
      schema: {
        tags,
        params: AllocationParams,
        querystring: PreemptionQuery,
        response: { 200: PreemptionResponse, ...errors },
      },
    },
    async (req, reply) => ({
      preempt: await push.preemption(
        req.principal,
        req.params.id,
        req.query.timeoutSeconds ?? 0,
        clientGone(reply),
      ),
    }),
  );

  app.post(
    "/allocations/:id/signals/ack_preemption",
    {
      schema: {
        tags,
        params: AllocationParams,
        body: Type.Optional(Empty),
        response: { 200: Empty, ...errors },
      },
    },
    async (req) => {
      await push.ackPreemption(req.principal, req.params.id);
      return {};
    },
  );

  app.get(
    "/allocations/:id/environment",
    {
      schema: {
        tags,
        summary:
          "The allocation's PUSHTUNE_* variables a launcher may leave out of its process's environment as too long",
        params: AllocationParams,
        response: { 200: EnvironmentResponse, ...errors },
      },
    },
    async (req) => {
      const { principal } = req;
      if (principal.kind !== "allocation" || principal.allocation.id !== req.params.id)
        throw new ApiError("FORBIDDEN", "only the allocation itself reads its environment");
      const trial = await push.trial(principal.allocation.trialId);
      return { env: longVariables(await master.experiments.get(trial.experimentId), trial) };
    },
  );

  app.post(
    "/allocations/:id/next_trial",
    {
      config: { endedAllocation: true },
      schema: {
        tags,
        summary: "The allocation's trial is done; its process asks for another trial to run",
        params: AllocationParams,
        body: Type.Optional(NextTrialBody),
        response: { 200: NextTrialResponse, ...errors },
      },
    },
    async (req) => {
      if (req.body?.checkpoint) checkCheckpoint(req.body.checkpoint);
      return push.nextTrial(req.principal, req.params.id, req.body?.checkpoint);
    },
  );
}
