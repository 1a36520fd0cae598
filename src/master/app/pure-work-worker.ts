/**
 * The worker thread of `PureWorkPool`: runs pure, possibly heavy work (a
 * search preview: parse the config, simulate the search) away from the
 * master's event loop, one task at a time. The answer travels back as JSON
 * text, so the main thread copies a string instead of cloning (or
 * re-serialising) a large object graph.
 */
import { parentPort } from "node:worker_threads";
import { ApiError } from "../../protocol/api/errors.js";
import { previewSearch, previewUnavailable } from "../../searcher/index.js";
import { configFromBody } from "./config-from-body.js";
import type { PureTask, PureTaskAnswer } from "./pure-work-pool.js";

function run(task: PureTask): string {
  switch (task.kind) {
    case "preview": {
      const { config } = configFromBody(task.body);
      const unavailable = previewUnavailable(config);
      if (unavailable !== null) throw new ApiError("PREVIEW_UNAVAILABLE", unavailable);
      const result = previewSearch(config, {
        ...(task.body.seed === undefined ? {} : { seed: task.body.seed }),
        metric: task.body.metric ?? "constant",
      });
      return JSON.stringify(result);
    }
  }
}

parentPort?.on("message", ({ id, task }: { id: number; task: PureTask }) => {
  let answer: PureTaskAnswer;
  try {
    answer = { id, ok: true, json: run(task) };
  } catch (err) {
    answer =
      err instanceof ApiError
        ? { id, ok: false, code: err.code, message: err.message, details: err.details }
        : { id, ok: false, code: "INTERNAL", message: (err as Error).stack ?? String(err) };
  }
  parentPort?.postMessage(answer);
});
