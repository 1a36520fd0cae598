/** `trial compare`: trials side by side, hyperparameters that differ marked with `≠`. */
import type { HParamSpecs } from "../../protocol/analysis/flat-hparams.js";
import type { TrialDetail } from "../../protocol/api/resources.js";
import { NO_STYLE, type Style, styleState } from "./style.js";
import { type Column, renderTable } from "./table.js";
import { flatHparams, formatCount, formatMetric } from "./values.js";

export interface ComparedTrial {
  trial: TrialDetail;
  /** Its experiment's hyperparameter specs. */
  specs: HParamSpecs;
  /** The experiment's searcher metric and direction. */
  metric: string;
  smallerIsBetter: boolean;
  /** Every validation metric of the report where the searcher metric was best. */
  atBest: Record<string, number>;
}

interface Row {
  field: string;
  cells: string[];
  differs: boolean;
}

export function compareRows(compared: readonly ComparedTrial[]): Row[] {
  const flats = compared.map((c) => flatHparams(c.trial.hparams, c.specs));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))];
  const row = (field: string, cells: string[], marked: boolean): Row => ({
    field,
    cells,
    differs: marked && new Set(cells).size > 1,
  });
  const metrics = [...new Set(compared.map((c) => c.metric))];
  const searcher = metrics.length === 1 ? metrics[0]! : "searcher metric";
  const others = [
    ...new Set(compared.flatMap((c) => Object.keys(c.atBest).filter((k) => k !== c.metric))),
  ].sort();
  return [
    ...keys.map((k) =>
      row(
        k,
        flats.map((f) => f[k] ?? "–"),
        true,
      ),
    ),
    row(
      `best ${searcher}`,
      compared.map((c) => formatMetric(c.trial.bestValidation)),
      false,
    ),
    row(
      `latest ${searcher}`,
      compared.map((c) => formatMetric(c.trial.latestValidation)),
      false,
    ),
    ...others.map((k) =>
      row(
        `${k} at best`,
        compared.map((c) => formatMetric(c.atBest[k])),
        false,
      ),
    ),
    row(
      "trained",
      compared.map((c) => formatCount(c.trial.lengthTrained)),
      false,
    ),
    row(
      "state",
      compared.map((c) => c.trial.state),
      false,
    ),
    row(
      "experiment",
      compared.map((c) => String(c.trial.experimentId)),
      false,
    ),
  ];
}

export function compareTable(
  compared: readonly ComparedTrial[],
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  const rows = compareRows(compared);
  const columns: Column<Row>[] = [
    { header: "", value: (r) => (r.differs ? "≠" : "") },
    { header: "TRIAL", value: (r) => r.field, flex: true, min: 12 },
    ...compared.map(
      (c, i): Column<Row> => ({
        header: String(c.trial.id),
        value: (r) => r.cells[i]!,
        align: "right",
        color: (p, r, s) =>
          r.field === "state"
            ? p.replace(r.cells[i]!, styleState(s, r.cells[i]!))
            : r.differs
              ? s.bold(p)
              : p,
      }),
    ),
  ];
  return renderTable(rows, columns, { width, style });
}
