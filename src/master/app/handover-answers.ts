/**
 * Answers to `next_trial`, by the allocation that asked. A retried ask (its
 * answer was lost) gets the same trial and token: only the process holding
 * the ended allocation's token can ask, so it is the one that runs the trial
 * it was given.
 *
 * An answer is kept only while its process may ask again: once the process
 * has exited, or has gone on as the allocation the answer handed it and that
 * allocation has ended too (its process asked for the next trial as that one,
 * or exited), nobody holds a token to repeat the ask with any more. So the
 * answers kept are about one per live process, and those of ended
 * experiments go with their processes; a bound stays as a backstop.
 */
import type { NextTrialResponse } from "../../protocol/api/push.js";
import { keepNewest } from "./keep-newest.js";

/** At most this many answers are kept, whatever happens to their processes. */
const KEPT_HANDOVERS = 1000;

export class HandoverAnswers {
  readonly #answers = new Map<string, Promise<NextTrialResponse>>();
  /** The allocation an answer handed its process to → the allocation that asked. */
  readonly #askedBy = new Map<string, string>();

  /** The answer kept for `allocationId`'s ask, if any. */
  get(allocationId: string): Promise<NextTrialResponse> | undefined {
    return this.#answers.get(allocationId);
  }

  /** Keeps `answer` to `allocationId`'s ask until its process can ask no more; a refusal is not kept. */
  keep(allocationId: string, answer: Promise<NextTrialResponse>): void {
    this.#answers.set(allocationId, answer);
    keepNewest(this.#answers, KEPT_HANDOVERS);
    answer.then(
      ({ env }) => {
        const to = env?.PUSHTUNE_ALLOCATION_ID;
        if (to !== undefined && this.#answers.get(allocationId) === answer) {
          this.#askedBy.set(to, allocationId);
          keepNewest(this.#askedBy, KEPT_HANDOVERS);
        }
      },
      () => {
        if (this.#answers.get(allocationId) === answer) this.#answers.delete(allocationId);
      },
    );
  }

  /**
   * Allocation `allocationId` has ended: its process asked for its next trial
   * (`exited` false), or is gone. Either way it no longer asks as the
   * allocation it was handed over from; once gone, not as this one either.
   */
  ended(allocationId: string, exited: boolean): void {
    const from = this.#askedBy.get(allocationId);
    if (from !== undefined) {
      this.#askedBy.delete(allocationId);
      this.#answers.delete(from);
    }
    if (exited) this.#answers.delete(allocationId);
  }

  /** Answers kept (for tests). */
  get size(): number {
    return this.#answers.size;
  }
}
