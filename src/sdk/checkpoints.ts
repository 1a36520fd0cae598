/**
 * Checkpoints as a trial sees them: write files into a directory, get a uuid
 * back. The files are published atomically first; the report to the master is
 * queued after that, so the trial never waits for the master to keep training.
 */

import type { CheckpointBody } from "../protocol/api/push.js";
import { type BackoffOptions, backoffDelay, sleep } from "./backoff.js";
import type { CheckpointMetadata, SharedFsStorage } from "./checkpoint-storage.js";
import { isFatal, type RequestError, RetryableError } from "./errors.js";
import { checkSteps } from "./metrics.js";
import type { PushApi } from "./push-api.js";
import type { PushSender } from "./push-sender.js";

export type CheckpointWriter = (dir: string) => Promise<void> | void;
export type CheckpointReader<T> = (dir: string, metadata: CheckpointMetadata) => Promise<T> | T;

/** How long `getBestValidation` keeps retrying while the master is unreachable. */
const BEST_VALIDATION_DEADLINE_MS = 10_000;

export class Checkpoints {
  /** A published checkpoint's report kept back for the ask for the next trial. */
  private held: CheckpointBody | null = null;

  constructor(
    private readonly storage: SharedFsStorage,
    private readonly api: PushApi,
    private readonly sender: PushSender,
    private readonly backoff: BackoffOptions,
    /** Whether a report is kept back now (a trial told to stop in a process that asks next). */
    private readonly holdBack: () => boolean = () => false,
    /** Told of a refusal for good (STALE_ALLOCATION, UNAUTHENTICATED, FORBIDDEN) this hears. */
    private readonly onFatal: (error: RequestError) => void = () => {},
  ) {}

  /** The shared_fs root the checkpoints live in. */
  get root(): string {
    return this.storage.root;
  }

  /**
   * Writes a checkpoint: `writer` fills a fresh directory; the SDK adds
   * `metadata.json`, publishes the directory atomically and queues its report.
   * Resolves with the new checkpoint's uuid.
   */
  async store(
    metadata: { stepsCompleted: number } & Record<string, unknown>,
    writer: CheckpointWriter,
  ): Promise<string> {
    const { stepsCompleted, ...rest } = metadata;
    checkSteps(stepsCompleted, "checkpoint");
    this.sender.throwIfFailed();
    const trialId = this.api.identity.trialId;
    const saved = await this.storage.save({ trialId, stepsCompleted, metadata: rest }, writer);
    const body: CheckpointBody = {
      uuid: saved.uuid,
      trialId,
      stepsCompleted,
      resources: saved.resources,
      metadata: saved.metadata,
    };
    if (this.holdBack()) {
      // Told to stop in a process that asks for its next trial next: the ask carries it.
      this.releaseHeld();
      this.held = body;
    } else {
      this.sender.push({ kind: "checkpoint", body });
    }
    return saved.uuid;
  }

  /** The report of a checkpoint kept back for the ask for the next trial, if any (still held). */
  get heldReport(): CheckpointBody | null {
    return this.held;
  }

  /** The report of a checkpoint kept back for the ask for the next trial, if any; taken once. */
  takeHeld(): CheckpointBody | null {
    const held = this.held;
    this.held = null;
    return held;
  }

  /** Queues the report of a checkpoint kept back, if any (no ask for a next trial will carry it). */
  releaseHeld(): void {
    const held = this.takeHeld();
    if (held) this.sender.push({ kind: "checkpoint", body: held });
  }

  /** Gives `reader` the directory of checkpoint `uuid` (and its metadata); resolves with its result. */
  restore<T>(uuid: string, reader: CheckpointReader<T>): Promise<T> {
    return this.storage.restore(uuid, reader);
  }

  metadata(uuid: string): Promise<CheckpointMetadata> {
    return this.storage.metadata(uuid);
  }

  /**
   * The best searcher metric validated so far in the whole experiment, or null.
   * Retries for a few seconds if the master is unreachable, then throws.
   */
  async getBestValidation(): Promise<number | null> {
    this.sender.throwIfFailed();
    const deadline = Date.now() + BEST_VALIDATION_DEADLINE_MS;
    for (let failures = 1; ; failures++) {
      try {
        return await this.api.bestValidation();
      } catch (error) {
        if (isFatal(error)) this.onFatal(error);
        const delay = backoffDelay(failures, this.backoff);
        if (!(error instanceof RetryableError) || Date.now() + delay > deadline) throw error;
        await sleep(delay);
      }
    }
  }
}
