/**
 * The results of one ASHA rung, kept sorted by metric (smaller ranks better),
 * with rank queries in O(log n + n/B): a list of sorted blocks of at most B
 * entries. Equal metrics rank in arrival order (the earlier report ranks
 * better) when an entry goes after every entry with an equal metric, as
 * Determined's promotion ASHA inserts; its stopping ASHA puts a new entry
 * before them, so that a tie with the best continues.
 *
 * The structure is plain JSON and is changed in place; its block layout depends
 * only on the order of inserts and removals, so snapshots are deterministic.
 */
import type { RequestId } from "./types.js";

export interface RankedEntry {
  metric: number;
  requestId: RequestId;
  /** Promoted to the next rung (the promotion variant of ASHA); unused otherwise. */
  promoted: boolean;
}

export interface RankedResults {
  size: number;
  blocks: RankedEntry[][];
}

const MAX_BLOCK = 512;

export function emptyResults(): RankedResults {
  return { size: 0, blocks: [] };
}

/** First index in `block` whose metric is > `metric` (or >= when `inclusive`). */
function searchBlock(block: RankedEntry[], metric: number, inclusive: boolean): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = block[mid]!.metric;
    if (inclusive ? m >= metric : m > metric) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First block whose last metric is > `metric` (or >= when `inclusive`); blocks.length if none. */
function searchBlocks(results: RankedResults, metric: number, inclusive: boolean): number {
  const blocks = results.blocks;
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const block = blocks[mid]!;
    const last = block[block.length - 1]!.metric;
    if (inclusive ? last >= metric : last > metric) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function entriesBefore(results: RankedResults, blockIndex: number): number {
  let n = 0;
  for (let b = 0; b < blockIndex; b++) n += results.blocks[b]!.length;
  return n;
}

/**
 * Inserts `entry` after all entries with a smaller metric, and after (`ties:
 * "after"`) or before (`"before"`) those with an equal one; returns its rank (0 = best).
 */
export function insertResult(
  results: RankedResults,
  entry: RankedEntry,
  ties: "after" | "before" = "after",
): number {
  const blocks = results.blocks;
  const inclusive = ties === "before";
  results.size++;
  if (blocks.length === 0) {
    blocks.push([entry]);
    return 0;
  }
  let b = searchBlocks(results, entry.metric, inclusive);
  if (b === blocks.length) b--;
  const block = blocks[b]!;
  const pos = searchBlock(block, entry.metric, inclusive);
  block.splice(pos, 0, entry);
  const rank = entriesBefore(results, b) + pos;
  if (block.length > MAX_BLOCK) blocks.splice(b + 1, 0, block.splice(MAX_BLOCK >>> 1));
  return rank;
}

/** The entry at `rank` (0 = best). */
export function resultAt(results: RankedResults, rank: number): RankedEntry {
  if (rank < 0 || rank >= results.size) throw new RangeError(`rank ${rank} of ${results.size}`);
  let rest = rank;
  for (const block of results.blocks) {
    if (rest < block.length) return block[rest]!;
    rest -= block.length;
  }
  throw new RangeError(`rank ${rank} of ${results.size}`);
}

/** Removes the entry of `requestId` recorded with `metric`; returns whether it was there. */
export function removeResult(
  results: RankedResults,
  requestId: RequestId,
  metric: number,
): boolean {
  const blocks = results.blocks;
  for (let b = searchBlocks(results, metric, true); b < blocks.length; b++) {
    const block = blocks[b]!;
    for (let i = searchBlock(block, metric, true); i < block.length; i++) {
      const entry = block[i]!;
      if (entry.metric !== metric) return false;
      if (entry.requestId === requestId) {
        block.splice(i, 1);
        if (block.length === 0) blocks.splice(b, 1);
        results.size--;
        return true;
      }
    }
  }
  return false;
}

/** All entries, best first. */
export function allResults(results: RankedResults): RankedEntry[] {
  return results.blocks.flat();
}
