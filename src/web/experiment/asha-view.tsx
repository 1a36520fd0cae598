/** The rungs of a successive-halving search: how many trials reached each length, and who went on. */
import type { AshaRung } from "../../protocol/api/charts.js";
import { atLength } from "../format.js";
import { href } from "../router.js";

const SHOWN_IDS = 24;

/** `lengthWord`: the config's length unit, or "length"; `ended`: no trial will reach a rung any more. */
export function AshaView(props: {
  rungs: AshaRung[];
  bestTrialId: number | null;
  lengthWord: string;
  ended: boolean;
}) {
  const { rungs } = props;
  if (rungs.length === 0)
    return (
      <p class="muted">
        {props.ended ? "No trial reached a rung." : "No trial has reached a rung yet."}
      </p>
    );
  const widest = Math.max(1, ...rungs.map((r) => r.reached.length));
  return (
    <div class="asha">
      {rungs.map((r, k) => {
        const promoted = new Set(r.promoted);
        const top = k === rungs.length - 1;
        return (
          <div class="rung" key={r.length} data-length={r.length}>
            <div class="rung-head">
              <b>rung {k + 1}</b> <span class="muted">{atLength(props.lengthWord, r.length)}</span>
            </div>
            <div
              class="rung-bar"
              title={`${r.reached.length} reached, ${r.promoted.length} promoted`}
            >
              <div class="reached" style={{ width: `${(r.reached.length / widest) * 100}%` }} />
              <div class="promoted" style={{ width: `${(r.promoted.length / widest) * 100}%` }} />
            </div>
            <div class="rung-counts">
              <span>
                <b>{r.reached.length}</b> reached
              </span>
              {!top || r.promoted.length > 0 ? (
                <span>
                  <b>{r.promoted.length}</b> promoted
                </span>
              ) : null}
            </div>
            <div class="rung-ids">
              {(promoted.size > 0 ? r.promoted : r.reached).slice(0, SHOWN_IDS).map((id) => (
                <a
                  key={id}
                  href={href.trial(id)}
                  class={`chip${promoted.has(id) ? " up" : ""}${id === props.bestTrialId ? " best" : ""}`}
                >
                  {id}
                </a>
              ))}
              {(promoted.size > 0 ? r.promoted : r.reached).length > SHOWN_IDS && (
                <span class="muted">
                  +{(promoted.size > 0 ? r.promoted : r.reached).length - SHOWN_IDS} more
                </span>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
