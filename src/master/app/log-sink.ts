/**
 * Trial logs: lines captured by the launcher are buffered and written in
 * batches (one insert per flush, not one per line), then followers are woken.
 *
 * What the sink holds unstored is bounded: past `HIGH_WATER`, `room()` makes
 * the launchers stop reading trials' output (a trial's pipe fills and its
 * writes wait, as on a slow terminal) and log pushes wait for their answer,
 * until the store has caught up to `LOW_WATER`. A trial printing in a tight
 * loop is slowed to the database's pace instead of filling the master's
 * memory with lines the store has not taken yet. Lines a full disk cannot
 * take stay held and are stored once there is room.
 */
import { fullDiskCode } from "../storage/full-disk.js";
import type { LogLine } from "../storage/store.js";
import type { MasterContext } from "./context.js";
import { logKey } from "./effects.js";
import { nextTurn } from "./next-turn.js";

const FLUSH_MS = 100;
const FLUSH_LINES = 500;
/** How soon lines a full disk could not take are offered to the store again. */
const FULL_DISK_RETRY_MS = 1000;
/** Size of the lines held unstored (characters, plus `LINE_OVERHEAD` a line) past which `room()` waits. */
export const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = HIGH_WATER / 4;
/** What a held line costs beyond its characters: its object, its date, its ids. */
const LINE_OVERHEAD = 128;

type PendingLine = Omit<LogLine, "id">;

function sizeOf(lines: PendingLine[]): number {
  let size = 0;
  for (const l of lines) size += l.line.length + LINE_OVERHEAD;
  return size;
}

export class LogSink {
  private buffer: PendingLine[] = [];
  /** Batches taken from the buffer, not stored yet, in order. */
  private readonly unstored: PendingLine[][] = [];
  /** Size of the lines buffered or being stored. */
  private held = 0;
  /** Set while `held` is past `HIGH_WATER`: resolves once it is back under `LOW_WATER`. */
  private drained: { promise: Promise<void>; resolve: () => void } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly trialOf = new Map<string, number>();
  /** Closed: the store is about to close, lines given now are not stored (`stored` says so). */
  private closed = false;
  /** Lines given after the close, and not stored. */
  private dropped = 0;

  constructor(private readonly ctx: MasterContext) {}

  /** Tells the sink whose lines an allocation's are; called before the allocation starts. */
  register(allocationId: string, trialId: number): void {
    this.trialOf.set(allocationId, trialId);
  }

  forget(allocationId: string): void {
    this.trialOf.delete(allocationId);
  }

  add(allocationId: string, stream: "stdout" | "stderr", line: string, time: Date): void {
    const trialId = this.trialOf.get(allocationId);
    if (trialId === undefined) return; // not an allocation of this master
    this.push({ trialId, allocationId, time, stream, line });
  }

  /** A line from the master itself about a trial (start failures, exits). */
  master(trialId: number, allocationId: string | null, line: string): void {
    this.push({ trialId, allocationId, time: this.ctx.now(), stream: "master", line });
  }

  /** Lines pushed by a trial over REST. */
  addMany(lines: PendingLine[]): void {
    for (const l of lines) this.push(l);
  }

  /**
   * Null while the sink can take more lines; past its high-water mark, a
   * promise that resolves once the store has caught up. Whoever feeds the
   * sink waits for it before reading or taking more.
   */
  room(): Promise<void> | null {
    if (this.held < HIGH_WATER) return null;
    if (!this.drained) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.drained = { promise, resolve };
    }
    return this.drained.promise;
  }

  private push(line: PendingLine): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    // A time no store can keep would fail the whole batch's insert: the line is kept, at the time it came.
    this.buffer.push(Number.isNaN(line.time.getTime()) ? { ...line, time: this.ctx.now() } : line);
    this.held += line.line.length + LINE_OVERHEAD;
    if (this.buffer.length >= FLUSH_LINES) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /**
   * Writes what is buffered; resolves when it is stored, or kept for later
   * because the disk is full.
   */
  flush(): Promise<void> {
    if (this.closed) return this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length > 0) this.unstored.push(this.buffer);
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      while (this.unstored.length > 0) {
        // A backlog of batches is stored one per turn of the event loop, not all
        // before the next request is read (SQLite's inserts block the thread).
        await nextTurn();
        const batch = this.unstored[0]!;
        let stored: number[];
        try {
          stored = await this.store(batch);
        } catch {
          // The disk is full: the batches stay held, in order, and are stored once there
          // is room. Past HIGH_WATER the launchers stop reading meanwhile.
          this.timer ??= setTimeout(() => void this.flush(), FULL_DISK_RETRY_MS);
          this.timer.unref();
          return;
        }
        this.unstored.shift();
        for (const id of stored) this.ctx.notifier.notify(logKey(id));
        // Stored, or given up on (the store logged why): either way no longer held.
        this.release(sizeOf(batch));
      }
    });
    return this.flushing;
  }

  /**
   * Resolves once every line given so far is stored; rejects when some came
   * after the close, and will not be: a launcher that records how far it has
   * read then reads them again under the next master.
   */
  stored(): Promise<void> {
    if (this.dropped > 0)
      return Promise.reject(new Error(`${this.dropped} log lines came after the master closed`));
    return this.flush();
  }

  /**
   * Stores what is held and takes no more lines: nothing is written to the
   * store once this resolves. Whoever writes lines has stopped first.
   */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer); // a full disk's retry: those lines are lost
    this.timer = null;
  }

  private release(size: number): void {
    this.held -= size;
    if (this.drained && this.held < LOW_WATER) {
      this.drained.resolve();
      this.drained = null;
    }
  }

  /**
   * Stores `batch` in one insert; if that is refused (a trial deleted since
   * its lines were buffered), trial by trial, so that one trial's lines cannot
   * cost the others theirs. Returns the trials whose lines were stored. Throws
   * only when the disk is full: nothing of the batch was stored.
   */
  private async store(batch: PendingLine[]): Promise<number[]> {
    const trials = [...new Set(batch.map((l) => l.trialId))];
    try {
      await this.ctx.store.addLogs(batch);
      return trials;
    } catch (err) {
      if (fullDiskCode(err) !== null) throw err;
      if (trials.length === 1) {
        console.error("pushtune: could not store trial logs:", err);
        return [];
      }
    }
    const stored: number[] = [];
    for (const id of trials)
      stored.push(...(await this.store(batch.filter((l) => l.trialId === id))));
    return stored;
  }
}
