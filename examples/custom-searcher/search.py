"""search.js in Python: successive halving as a search process of your own.

    PUSHTUNE_MASTER=http://127.0.0.1:8080 PUSHTUNE_TOKEN=… python3 search.py <experiment id>

8 trials train to 32 batches, the best half on to 128, the best half of those
to 256. Kill it at any moment and start it again: the SearchRunner replays the
experiment's events into a fresh SuccessiveHalving, so the method samples from
a generator seeded by the request id, never from an unseeded one."""

import math
import random
import sys
from typing import Dict, List

from pushtune import RequestError, SearchMethod, SearchRunner, SearchState, close, shutdown, validate_after

TRIALS = 8
RUNGS = [32, 128, 256]


def sample(request_id: int) -> Dict[str, object]:
    rng = random.Random(1000 + request_id)
    return {
        "lr": 10 ** (-4 + 3 * rng.random()),
        "hidden": rng.randint(16, 512),
        "optimizer": rng.choice(["adam", "sgd"]),
    }


class SuccessiveHalving(SearchMethod):
    def __init__(self) -> None:
        self.results: Dict[int, Dict[int, float]] = {}
        self.target: Dict[int, int] = {}

    def validate_after(self, request_id: int, length: int) -> dict:
        self.target[request_id] = length
        return validate_after(request_id, length)

    def initial_operations(self, state: SearchState) -> List[dict]:
        ops: List[dict] = []
        for i in range(1, TRIALS + 1):
            create = state.create(sample(i))
            ops += [create, self.validate_after(create["requestId"], RUNGS[0])]
        return ops

    def on_validation_completed(self, state, request_id, metric, length):
        rung = self.results.setdefault(length, {})
        rung[request_id] = metric
        k = RUNGS.index(length)
        size = TRIALS // 2**k
        if len(rung) < size:
            return []
        # The rung is full: the best half goes on, the rest are closed (those that failed are already).
        ranked = sorted(rung, key=lambda rid: (rung[rid], rid))
        ranked = [rid for rid in ranked if rid not in state.trials_closed]
        keep = ranked[: size // 2] if k + 1 < len(RUNGS) else []
        return [self.validate_after(rid, RUNGS[k + 1]) for rid in keep] + [
            close(rid) for rid in ranked if rid not in keep
        ]

    def on_trial_closed(self, state, request_id):
        return [shutdown()] if len(state.trials_closed) == TRIALS else []

    def on_trial_exited_early(self, state, request_id, reason):
        # A trial that fails ranks last in its rung (so the rung still fills) and is not retried.
        ops = self.on_validation_completed(state, request_id, math.inf, self.target[request_id])
        return ops + self.on_trial_closed(state, request_id)

    def progress(self, state):
        return len(state.trials_closed) / TRIALS


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: python3 search.py <experiment id>   (with PUSHTUNE_MASTER and PUSHTUNE_TOKEN set)")
    experiment_id = int(sys.argv[1])

    def show(event: dict, replayed: bool) -> None:
        trial = f" trial {event['requestId']}" if "requestId" in event else ""
        print(f"{'replayed' if replayed else 'event'} {event['id']} {event['type']}{trial}", flush=True)

    try:
        final = SearchRunner(SuccessiveHalving(), experiment_id, on_event=show).run()
    except RequestError as err:
        # The master refused (a token revoked or unknown, the experiment deleted): one line says why.
        sys.exit(f"search.py: {err}")
    print(f"search over: experiment {experiment_id} is {final}", flush=True)


if __name__ == "__main__":
    main()
