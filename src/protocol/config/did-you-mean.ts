/**
 * Suggestions for misspelt names: `max_restart` → `max_restarts`,
 * `maxRestarts` → `max_restarts`, `adaptive-asha` → `adaptive_asha`.
 */

/** Edit distance (insertions, deletions, substitutions), two rows at a time. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Case, `_` and `-` do not count: `maxRestarts`, `Max-Restarts` and `max_restarts` are one name. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** Longer inputs than this are not compared: the distance is quadratic and nobody misspells a paragraph. */
const MAX_COMPARED_LENGTH = 64;

/**
 * The candidate closest to `name`, if it is a case/underscore variant of it or
 * within an edit distance of 2 (1 for names of up to 3 characters, where 2
 * edits would make nearly anything match). Ties go to the earlier candidate.
 */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > MAX_COMPARED_LENGTH) return undefined;
  const limit = name.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = Math.min(
      levenshtein(name, candidate),
      levenshtein(normalise(name), normalise(candidate)),
    );
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?`, or "" when nothing is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const suggestion = suggest(name, candidates);
  return suggestion === undefined ? "" : `; did you mean "${suggestion}"?`;
}
