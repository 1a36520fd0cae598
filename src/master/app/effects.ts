/**
 * What a transaction asks to happen once it has committed: wake long polls,
 * run the scheduler, check whether experiments can finish. Collected while the
 * transaction runs and released only after it commits, so no waiter ever sees
 * a change that was rolled back.
 */
export class Effects {
  readonly notifyKeys = new Set<string>();
  schedule = false;
  /** Schedule only if trials are waiting for slots (a trial may have started waiting for a promotion). */
  scheduleIfContended = false;
  readonly finishCheck = new Set<number>();

  notify(key: string): void {
    this.notifyKeys.add(key);
  }
}

export const opKey = (trialId: number) => `op:${trialId}`;
export const preemptKey = (allocationId: string) => `preempt:${allocationId}`;
export const logKey = (trialId: number) => `log:${trialId}`;
export const experimentKey = (experimentId: number) => `exp:${experimentId}`;
