/** `experiment describe`'s best trial, rungs and optimization history, as text. */
import { plural } from "../../protocol/counts.js";
import type { ExperimentSummary } from "../experiment-summary.js";
import { NO_STYLE, type Style } from "./style.js";
import { renderFields, renderTable } from "./table.js";
import { historyPlot } from "./text-plot.js";
import { lastFailure } from "./trials.js";
import { formatCount, formatHparams, formatMetric } from "./values.js";

export function describeSummary(
  s: ExperimentSummary,
  metric: string,
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  const lines: string[] = [];
  const best = s.bestTrial;
  if (best) {
    lines.push("", style.bold("best trial"));
    lines.push(
      ...renderFields(
        [
          ["trial", `${best.id} (${best.state})`],
          [`best ${metric}`, formatMetric(best.bestValidation)],
          ["trained", formatCount(best.lengthTrained)],
          ["hparams", formatHparams(best.hparams, s.specs)],
        ],
        style,
      ),
    );
  } else lines.push(...lastFailure(s.trials, style));
  if (s.rungs && s.rungs.length > 0) {
    lines.push("", style.bold("rungs"));
    lines.push(
      ...renderTable(
        s.rungs.map((r, k) => ({ ...r, k })),
        [
          { header: "RUNG", value: (r) => String(r.k + 1), align: "right" },
          { header: "LENGTH", value: (r) => formatCount(r.length), align: "right" },
          { header: "REACHED", value: (r) => String(r.reached.length), align: "right" },
          { header: "PROMOTED", value: (r) => String(r.promoted.length), align: "right" },
        ],
        { width, style },
      ),
    );
  }
  const h = s.history;
  if (h.values.length > 0) {
    lines.push(
      "",
      style.bold("optimization history"),
      `best ${metric} so far (*) and each validation (·) against the total length trained; ` +
        `${plural(h.improvements.length, "improvement", "improvements")} over ` +
        plural(h.values.length, "validation", "validations"),
    );
    lines.push(...historyPlot(h, { width: Math.min(72, width ?? 72), height: 8 }));
  }
  return lines;
}
