/**
 * Report timestamps as `Date#toISOString()` writes them, for a fraction of
 * its cost: a loop that reports every millisecond stamps a thousand reports a
 * second, so the part up to the seconds is formatted once per second.
 */
let cachedSecond = Number.NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of `cachedSecond`. */
let cachedPrefix = "";

/** `epochMs`: whole milliseconds since the epoch, as `Date.now()` gives them. */
export function isoTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  }
  const millis = epochMs - second * 1000;
  return `${cachedPrefix}${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}
