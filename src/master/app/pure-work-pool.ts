/**
 * Pure work that can be heavy (a search preview simulates every trial of a
 * search) runs in worker threads, never on the master's event loop, so one
 * request cannot stall every other (health checks, trials' pushes, long
 * polls). Each task has a time budget: past it, its worker is terminated and
 * the request gets TOO_MUCH_WORK (as it does when the worker runs out of its
 * memory budget). Workers are reused while they stay healthy; at most
 * `maxWorkers` run at once and further tasks wait their turn.
 */
import { Worker, type WorkerOptions } from "node:worker_threads";
import { ApiError, type ErrorCode } from "../../protocol/api/errors.js";
import type { PreviewBody } from "../../protocol/api/resources.js";

export type PureTask = { kind: "preview"; body: PreviewBody };

export type PureTaskAnswer =
  | { id: number; ok: true; json: string }
  | { id: number; ok: false; code: ErrorCode | "INTERNAL"; message: string; details?: unknown };

export interface PureWorkPoolOptions {
  /** Milliseconds one task may run before its worker is terminated. */
  budgetMs: number;
  /** Workers running at once. */
  maxWorkers?: number;
  /** Heap one worker may use, MB. */
  maxHeapMb?: number;
}

interface Job {
  task: PureTask;
  resolve(json: string): void;
  reject(err: Error): void;
}

/**
 * Built, this module is JavaScript next to the worker's own file. Under the
 * test runner it is TypeScript source: the worker then registers tsx's
 * loader before importing its TypeScript file.
 */
function spawnWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith(".ts"))
    // The master's own node flags (an --eval, an --input-type) are not the worker's.
    return new Worker(new URL("./pure-work-worker.js", import.meta.url), {
      ...options,
      execArgv: [],
    });
  const source = new URL("./pure-work-worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

export class PureWorkPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private live = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PureWorkPoolOptions) {}

  /** The task's answer as JSON text; its ApiError (e.g. INVALID_CONFIG) rethrown here. */
  run(task: PureTask): Promise<string> {
    if (this.closed) return Promise.reject(new ApiError("UNAVAILABLE", "the master is stopping"));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new ApiError("UNAVAILABLE", "the master is stopping"));
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker) {
        if (this.live >= (this.options.maxWorkers ?? 2)) return;
        worker = this.spawn();
      }
      this.start(worker, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    const worker = spawnWorker({
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 512 },
    });
    worker.unref();
    this.live++;
    return worker;
  }

  private start(worker: Worker, job: Job): void {
    const id = this.nextId++;
    const budget = this.options.budgetMs;
    let settled = false;
    const finish = (healthy: boolean, outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      if (healthy && !this.closed) this.idle.push(worker);
      else {
        this.live--;
        void worker.terminate();
      }
      outcome();
      this.pump();
    };
    const onMessage = (answer: PureTaskAnswer) => {
      if (answer.id !== id) return;
      finish(true, () => {
        if (answer.ok) job.resolve(answer.json);
        else if (answer.code === "INTERNAL") job.reject(new Error(answer.message));
        else job.reject(new ApiError(answer.code, answer.message, answer.details));
      });
    };
    const tooMuch = (what: string) =>
      new ApiError(
        "TOO_MUCH_WORK",
        `${job.task.kind} ${what}; make the search smaller (fewer trials or grid points)`,
      );
    const onError = (err: Error & { code?: string }) =>
      finish(false, () =>
        job.reject(
          err.code === "ERR_WORKER_OUT_OF_MEMORY" ? tooMuch("needs more memory than allowed") : err,
        ),
      );
    const onExit = (code: number) =>
      finish(false, () => job.reject(new Error(`a worker thread exited with code ${code}`)));
    const timer = setTimeout(
      () => finish(false, () => job.reject(tooMuch(`takes longer than ${budget / 1000} s`))),
      budget,
    );
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.postMessage({ id, task: job.task });
  }
}
