/**
 * How big a page of each list is, how a reader pages through a cursor-paged
 * list (metrics, logs, trials, experiments, checkpoints) and how often a live
 * view reads one again: the same rules for the CLI and the web UI. Free of
 * schema code: a command that only reads pages loads no schema library.
 */

/**
 * Most experiments one page of `GET /experiments` holds, and its default
 * `limit`. The page's size bound counts the text a summary shows (name,
 * metric, end reason); the rest of a summary is some 400 bytes.
 */
export const EXPERIMENT_PAGE = 1000;

/**
 * Most trials one page of `GET /experiments/{id}/trials` holds, and its
 * default `limit`. The page's size bound counts hyperparameters only (the
 * part that can be hundreds of KB); the rest of a summary is some 500 bytes,
 * so 1000 of them add at most about half a MB to a page's PAGE_BYTES.
 */
export const TRIAL_PAGE = 1000;

/**
 * Most checkpoints one page of `GET /experiments/{id}/checkpoints` or `GET
 * /trials/{id}/checkpoints` holds, and its default `limit`. The page's size
 * bound counts resources and metadata (what grows with a checkpoint's files
 * and a user's fields); the rest of a checkpoint is some 250 bytes.
 */
export const CHECKPOINT_PAGE = 1000;

/** A page's cursor: MetricSeries, LogPage, TrialList, CheckpointList. */
export interface CursorPage {
  next: number | null;
  truncated: boolean;
}

/**
 * The cursor to read the following page from, or null when `page` (of `rows`
 * rows, asked for at most `limit`) was the last one so far. A page the size
 * bound cut short (`truncated`) is not the last, however few rows it has.
 */
export function nextPageAfter(page: CursorPage, rows: number, limit: number): number | null {
  return page.next === null || (rows < limit && !page.truncated) ? null : page.next;
}

/**
 * Every row of a list, read page by page from the start with `read(after)`
 * (at most `limit` rows a page), and the size of the pages read: what a live
 * view paces its next read by (`rereadGapMs`).
 */
export async function readAllPages<P extends CursorPage, R>(
  read: (after: number) => Promise<{ value: P; bytes: number }>,
  rowsOf: (page: P) => R[],
  limit: number,
): Promise<{ rows: R[]; bytes: number }> {
  const rows: R[] = [];
  let bytes = 0;
  for (let after: number | null = 0; after !== null; ) {
    const page = await read(after);
    const got = rowsOf(page.value);
    for (const row of got) rows.push(row);
    bytes += page.bytes;
    after = nextPageAfter(page.value, got.length, limit);
  }
  return { rows, bytes };
}

/**
 * How long a live view waits before it reads a whole list again, after the
 * last read took `bytes`: `baseMs`, plus 1 s per MB. Building a MB of JSON
 * takes the master some 70 ms (and the reader about as long to parse), so a
 * list of 100 MB read again every 1.5 s would keep the master busy all the
 * time; waiting 1 s per MB keeps re-reading to under a tenth of its time,
 * while a small list still refreshes every `baseMs`.
 */
export function rereadGapMs(bytes: number, baseMs = 1500): number {
  return baseMs + bytes / 1000;
}
