/** Searching a trial's logs and finding its first error line (logs-panel.tsx). */
import { nextPageAfter } from "../../protocol/api/paging.js";
import type { LogLineSchema } from "../../protocol/api/resources.js";
import { api } from "../api.js";

/** Most lines the panel holds once it has loaded a log from its start. */
export const FULL = 50_000;
const PAGE = 10_000;

/**
 * What a search box's text finds: `/pattern/flags` is a regular expression,
 * anything else the text itself; both ignore case. Null for an empty box.
 */
export function matcher(query: string): RegExp | null {
  const q = query.trim();
  if (q === "") return null;
  const re = /^\/(.+)\/([a-z]*)$/.exec(q);
  if (re) {
    try {
      return new RegExp(re[1]!, `${re[2]!.replace(/[gi]/g, "")}gi`);
    } catch {
      // not a valid expression: search for the text as written
    }
  }
  return new RegExp(q.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"), "gi");
}

// "Error", "ValueError:", "RuntimeException", "Traceback", "FATAL" — not "errors: 0" or "stderr".
const ERROR = /(error|exception)\b|\b(traceback|fatal|panic|uncaught|segmentation fault)\b/i;

/** A line that reads as an error: an exception, a traceback, "Error: …". */
export function isErrorLine(line: LogLineSchema): boolean {
  return ERROR.test(line.line);
}

export function firstError(lines: readonly LogLineSchema[]): LogLineSchema | null {
  return lines.find(isErrorLine) ?? null;
}

/** A trial's log from its first line, up to FULL lines. */
export async function loadWholeLog(trialId: number): Promise<LogLineSchema[]> {
  const out: LogLineSchema[] = [];
  for (let after: number | null = 0; after !== null && out.length < FULL; ) {
    const page = await api.logs(trialId, { after, limit: PAGE });
    out.push(...page.logs);
    after = nextPageAfter(page, page.logs.length, PAGE);
  }
  return out;
}
