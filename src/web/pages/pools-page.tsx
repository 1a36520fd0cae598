/** The master's resource pools: what runs trials in each, its slots in use, and what runs there. */
import { useEffect } from "preact/hooks";
import { api } from "../api.js";
import { ErrorNote } from "../components/badges.js";
import { usePoll } from "../hooks.js";
import { href } from "../router.js";

export function PoolsPage() {
  const pools = usePoll((signal) => api.resourcePools(signal), 2000, []);
  useEffect(() => {
    document.title = "Resource pools · pushtune";
  }, []);
  const list = pools.data?.resourcePools ?? [];

  return (
    <div class="page pools-page" data-ready={pools.data ? "true" : undefined}>
      <div class="page-head">
        <h1>Resource pools</h1>
      </div>
      <ErrorNote error={pools.error} />
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="table pools">
            <thead>
              <tr>
                <th>Pool</th>
                <th>Launcher</th>
                <th class="num">Slots in use</th>
                <th>Experiments</th>
                <th>Running trials</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.name} data-pool={p.name}>
                  <td>
                    {p.name}
                    {/* Marked only where its name does not say so already. */}
                    {p.default && p.name !== "default" && <div class="muted small">default</div>}
                  </td>
                  <td>
                    {p.configured ? (
                      p.launcher
                    ) : (
                      <span
                        class="pool-missing"
                        title="its experiments' trials wait for a master with this pool"
                      >
                        not in this master's config
                      </span>
                    )}
                  </td>
                  <td class="num">
                    {p.slotsUsed} / {p.slotsTotal} {p.slotType}
                  </td>
                  <td>
                    {p.experiments.length === 0
                      ? "–"
                      : p.experiments.map((e, i) => (
                          <span key={e.id}>
                            {i > 0 && ", "}
                            <a href={href.experiment(e.id)}>{e.name}</a>
                          </span>
                        ))}
                  </td>
                  <td>
                    {p.trials.length === 0
                      ? "–"
                      : p.trials.map((t, i) => (
                          <span key={t.allocationId}>
                            {i > 0 && ", "}
                            <a href={href.trial(t.trialId)}>{t.trialId}</a>
                          </span>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
