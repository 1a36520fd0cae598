/** Checkpoints as a table (`checkpoint list`). */
import type { CheckpointSchema } from "../../protocol/api/resources.js";
import { NO_STYLE, type Style } from "./style.js";
import { type Column, renderTable } from "./table.js";
import { formatBytes, formatCount, formatMetric, formatTime } from "./values.js";

export function checkpointTable(
  checkpoints: readonly CheckpointSchema[],
  metricName: string,
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  if (checkpoints.length === 0) return [];
  const columns: Column<CheckpointSchema>[] = [
    { header: "UUID", value: (c) => c.uuid, min: 36 },
    { header: "TRIAL", value: (c) => String(c.trialId), align: "right" },
    { header: "STEPS", value: (c) => formatCount(c.stepsCompleted), align: "right" },
    {
      header: metricName,
      value: (c) => formatMetric(c.validationMetric),
      align: "right",
      flex: true,
      min: 15,
    },
    {
      header: "FILES",
      value: (c) => String(Object.keys(c.resources).length),
      align: "right",
      optional: 2,
    },
    { header: "SIZE", value: (c) => formatBytes(c.sizeBytes), align: "right" },
    { header: "STATE", value: (c) => c.state, optional: 3 },
    { header: "CREATED", value: (c) => formatTime(c.createdAt), optional: 1 },
  ];
  return renderTable(checkpoints, columns, { width, style });
}
