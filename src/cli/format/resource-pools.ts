/** Resource pools as a table (`master info`). */
import type { ResourcePoolView } from "../../protocol/api/resource-pools.js";
import { NO_STYLE, type Style } from "./style.js";
import { type Column, renderTable } from "./table.js";

/** "12, 13, 15": ids, or "-" for none. */
function ids(values: readonly number[]): string {
  return values.length === 0 ? "-" : values.join(", ");
}

export function resourcePoolTable(
  pools: readonly ResourcePoolView[],
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  const columns: Column<ResourcePoolView>[] = [
    { header: "POOL", value: (p) => (p.default ? `${p.name} (default)` : p.name), min: 12 },
    { header: "LAUNCHER", value: (p) => (p.configured ? p.launcher : "none: not configured") },
    {
      header: "SLOTS USED",
      value: (p) => `${p.slotsUsed}/${p.slotsTotal} ${p.slotType}`,
      align: "right",
    },
    { header: "EXPERIMENTS", value: (p) => ids(p.experiments.map((e) => e.id)), flex: true },
    { header: "RUNNING TRIALS", value: (p) => ids(p.trials.map((t) => t.trialId)), flex: true },
  ];
  return renderTable(pools, columns, { width, style });
}
