/**
 * What the analysis views share with the rest of the experiment page, kept
 * in the address: the parallel-coordinates brush (which trials the table and
 * the curves show) and the trials picked for comparison.
 */
import { useCallback, useMemo } from "preact/hooks";
import type { TrialSummary } from "../../protocol/api/resources.js";
import { type AxisBrush, brushMask, buildAxes, formatBrush, parseBrush } from "./brush.js";
import type { Flat, HParamColumn } from "./hparams.js";
import { timed } from "./timing.js";
import { useUrlParam } from "./url-state.js";

/** Most trials compared at once: beyond this the overlaid curves are unreadable. */
export const MAX_COMPARED = 8;

export function useAnalysis(
  trials: TrialSummary[],
  flat: Flat[],
  columns: HParamColumn[],
  metric: string,
) {
  const [brushText, setBrushText] = useUrlParam("brush");
  const [compareText, setCompareText] = useUrlParam("compare");
  const axes = useMemo(
    () => timed("axes", () => buildAxes(trials, flat, columns, metric)),
    [trials, flat, columns, metric],
  );
  const brush = useMemo(() => parseBrush(brushText), [brushText]);
  const filtered = useMemo(() => {
    const active = axes.some((a) => brush.has(a.key));
    if (!active) return { mask: null, shown: trials, visible: null };
    const mask = timed("brush", () => brushMask(axes, brush));
    const shown = trials.filter((_, i) => mask[i] === 1);
    return { mask, shown, visible: new Set(shown.map((t) => t.id)) };
  }, [axes, brush, trials]);

  const selected = useMemo(
    () =>
      (compareText ?? "")
        .split(",")
        .map(Number)
        .filter((id) => Number.isInteger(id) && id > 0)
        .slice(0, MAX_COMPARED),
    [compareText],
  );

  const setAxisBrush = useCallback(
    (key: string, b: AxisBrush | null) => {
      const next = new Map(parseBrush(brushText));
      if (b) next.set(key, b);
      else next.delete(key);
      setBrushText(formatBrush(next) || null);
    },
    [brushText, setBrushText],
  );
  const toggleSelected = useCallback(
    (id: number) => {
      const next = selected.includes(id)
        ? selected.filter((x) => x !== id)
        : [...selected, id].slice(-MAX_COMPARED);
      setCompareText(next.join(",") || null);
    },
    [selected, setCompareText],
  );

  return {
    axes,
    brush,
    /** Per trial in the list's order, 1 when it passes the brush; null when nothing is brushed. */
    mask: filtered.mask,
    /** The trials that pass the brush (all when nothing is brushed). */
    shown: filtered.shown,
    /** Ids that pass the brush; null when nothing is brushed. */
    visible: filtered.visible,
    setAxisBrush,
    clearBrush: () => setBrushText(null),
    selected,
    toggleSelected,
    clearSelected: () => setCompareText(null),
  };
}

export type Analysis = ReturnType<typeof useAnalysis>;
