/**
 * Pages of stored data bounded in bytes: logs, metric rows, searcher events,
 * trials' hyperparameters and checkpoints' file lists and metadata can be
 * large (lines of 64 KiB, rows of 200 long metric names, posts of 8 MiB of
 * hyperparameters, a `const` list of hundreds of KB), so a page of 10,000 of
 * them would be too big to read, to send, or even to build as one string.
 */
import { PAGE_BYTES } from "../../protocol/api/resources.js";

/**
 * A page of at most PAGE_BYTES of stored text, at least one row: `sizes` are
 * the ids and sizes of the rows a query after cursor `after` would give, in
 * id order; `read(from, through)` reads the rows with ids after `from` up to
 * `through`, the page's first and last. Between ids rather than by count: a
 * row gone since the page was sized (deleted, hidden) brings in none past the
 * page that the next page shows again, and one committed late with a lower id
 * (PostgreSQL allots ids before commit) pushes none out. With `newest` the
 * page keeps the last rows that fit (a tail), else the first ones. Sized
 * before it is read. `next` is the cursor after the page's last row (`after`
 * when it has none).
 */
export async function sizedPage<R>(
  sizes: { id: number; bytes: number }[],
  newest: boolean,
  read: (from: number, through: number) => Promise<R[]>,
  after?: number,
): Promise<{ rows: R[]; next: number | null; truncated: boolean }> {
  const order = newest ? [...sizes].reverse() : sizes;
  let used = 0;
  let n = 0;
  for (const { bytes } of order) {
    used += bytes;
    if (n > 0 && used > PAGE_BYTES) break;
    n++;
  }
  const start = newest ? sizes.length - n : 0;
  const first = sizes[start];
  const last = sizes[start + n - 1];
  const rows = first && last ? await read(first.id - 1, last.id) : [];
  return { rows, next: last ? last.id : (after ?? null), truncated: n < sizes.length };
}
