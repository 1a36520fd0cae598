"""SearchRunner against an in-memory custom searcher that keeps the master's rules
(each event answered at most once, a repeated answer a no-op): a runner that dies
at any post is replaced by a fresh one that neither repeats nor loses an operation."""

import json
import math
import unittest
from typing import Any, Dict, List, Optional

import pushtune
from pushtune import SearchMethod, SearchRunner, SearchState, close, shutdown, validate_after
from pushtune.errors import RequestError
from pushtune.transport import HttpTransport

from .support import HttpFakeMaster

LRS = [0.001, 0.003, 0.01, 0.03]
RUNGS = [100, 300, 1000]


class Halving(SearchMethod):
    """4 trials to 100, the best 2 to 300, the best to 1000."""

    def __init__(self) -> None:
        self.results: Dict[int, Dict[int, float]] = {}
        self.lrs: Dict[int, float] = {}

    def initial_operations(self, state):
        ops = []
        for lr in LRS:
            # scale: a whole-number float, which the master (JavaScript) sends back as 1.
            create = state.create({"lr": lr, "scale": 1.0})
            ops += [create, validate_after(create["requestId"], 100)]
        return ops

    def on_validation_completed(self, state, request_id, metric, length):
        rung = self.results.setdefault(length, {})
        rung[request_id] = metric
        k = RUNGS.index(length)
        size = len(LRS) // 2**k
        if len(rung) < size:
            return []
        ranked = [rid for rid, _ in sorted(rung.items(), key=lambda item: item[1])]
        keep = ranked[: size // 2] if k + 1 < len(RUNGS) else []
        return [validate_after(rid, RUNGS[k + 1]) for rid in keep] + [
            close(rid) for rid in ranked if rid not in keep
        ]

    def on_trial_closed(self, state, request_id):
        return [shutdown()] if len(state.trials_closed) == len(LRS) else []

    def progress(self, state):
        return len(state.trials_closed) / len(LRS)


def as_javascript(value: Any) -> Any:
    """What the master stores and sends back: JavaScript writes 1.0 as 1."""
    whole = lambda text: int(float(text)) if float(text).is_integer() else float(text)
    return json.loads(json.dumps(value), parse_float=whole)


class FakeCustomMaster:
    """Events and operations with the master's fencing; trials report at once."""

    def __init__(self, page: int = 1000) -> None:
        #: At most this many events a page, the page ``truncated`` when more follow.
        self.page = page
        self.posts = 0
        self.events: List[Dict[str, Any]] = []
        self.hparams: Dict[int, Dict[str, Any]] = {}
        self.open: List[int] = []
        self.last_answered = 0
        self.over = False
        self.accepted: List[Dict[str, Any]] = []
        self._emit({"type": "initialOperations"})

    def _emit(self, event: Dict[str, Any]) -> None:
        self.events.append({"id": len(self.events) + 1, "operations": None, **event})

    def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None) -> Any:
        if method == "GET":
            after = int(path.split("after=")[1].split("&")[0])
            events = [e for e in self.events if e["id"] > after]
            ended = self.over and not self.open
            return {
                "events": events[: self.page],
                "truncated": len(events) > self.page,
                "searchOver": self.over,
                "ended": ended,
                "experimentState": "COMPLETED" if ended else "STOPPING_COMPLETED" if self.over else "ACTIVE",
            }
        self.posts += 1
        event_id, ops = body["lastEventId"], body["operations"]
        if not ops:  # progress alone answers nothing
            if self.over:
                raise RequestError("SEARCH_OVER", "over", 409)
            return {"applied": True}
        if event_id <= self.last_answered:
            if self.events[event_id - 1]["operations"] == ops:
                return {"applied": False}
            raise RequestError("STALE_SEARCHER_EVENT", "stale", 409)
        if self.over:
            raise RequestError("SEARCH_OVER", "over", 409)
        self.last_answered = event_id
        self.events[event_id - 1]["operations"] = as_javascript(ops)
        self.accepted += ops
        for op in ops:
            if op["type"] == "create":
                self.hparams[op["requestId"]] = op["hparams"]
                self.open.append(op["requestId"])
                self._emit({"type": "trialCreated", "requestId": op["requestId"]})
            elif op["type"] == "validateAfter":
                lr = self.hparams[op["requestId"]]["lr"]
                if lr > 0.05:  # diverges: the trial exits early, and is closed
                    self.open.remove(op["requestId"])
                    self._emit({"type": "trialExitedEarly", "requestId": op["requestId"], "reason": "INVALID_HP"})
                    self._emit({"type": "trialClosed", "requestId": op["requestId"]})
                    continue
                metric = abs(math.log10(lr) + 2) + 100 / op["length"]
                self._emit({"type": "validationCompleted", "requestId": op["requestId"], "metric": metric, "length": op["length"]})
            elif op["type"] == "close":
                self.open.remove(op["requestId"])
                self._emit({"type": "trialClosed", "requestId": op["requestId"]})
            else:
                self.over = True
                for rid in list(self.open):
                    self.open.remove(rid)
                    self._emit({"type": "trialClosed", "requestId": rid})
        return {"applied": True}


class Replacing(SearchMethod):
    """Two trials, one of which (lr 0.09) exits early and is replaced by one at lr 0.02;
    every trial is closed after its first validation."""

    def __init__(self) -> None:
        self.exits: List[Any] = []

    def _train(self, state, lr):
        create = state.create({"lr": lr})
        return [create, validate_after(create["requestId"], 100)]

    def initial_operations(self, state):
        return self._train(state, 0.09) + self._train(state, 0.01)

    def on_validation_completed(self, state, request_id, metric, length):
        return [close(request_id)]

    def on_trial_closed(self, state, request_id):
        return [shutdown()] if len(state.trials_closed) == 3 else []

    def on_trial_exited_early(self, state, request_id, reason):
        self.exits.append((request_id, reason))
        return self._train(state, 0.02)


class Crash(Exception):
    pass


class Dying:
    def __init__(self, inner: FakeCustomMaster, at: int, landed: bool) -> None:
        self.inner, self.at, self.landed, self.posts = inner, at, landed, 0

    def request(self, method, path, body=None, timeout=None):
        if method == "POST":
            self.posts += 1
            if self.posts == self.at:
                if self.landed:
                    self.inner.request(method, path, body, timeout)
                raise Crash(f"died at post {self.at}")
        return self.inner.request(method, path, body, timeout)


def search(deaths, page=1000):
    master = FakeCustomMaster(page)
    runs = 0
    for death in deaths + [None]:
        runs += 1
        transport = Dying(master, *death) if death else master
        try:
            final = SearchRunner(Halving(), 1, transport=transport, wait_seconds=0).run()
            return final, runs, master
        except Crash:
            continue
    raise AssertionError("unreachable")


class SearchRunnerTest(unittest.TestCase):
    def test_runs_a_search_method_to_the_end(self):
        final, runs, master = search([])
        self.assertEqual(final, "COMPLETED")
        self.assertEqual(sum(1 for op in master.accepted if op["type"] == "create"), 4)
        lengths = [op["length"] for op in master.accepted if op["type"] == "validateAfter"]
        self.assertEqual(sorted(lengths), [100, 100, 100, 100, 300, 300, 1000])

    def test_a_runner_that_dies_at_any_post_neither_repeats_nor_loses_an_operation(self):
        _, _, baseline = search([])
        for at in range(1, 6):
            for landed in (False, True):
                with self.subTest(at=at, landed=landed):
                    final, runs, master = search([(at, landed)])
                    self.assertEqual(runs, 2)
                    self.assertEqual(final, "COMPLETED")
                    self.assertEqual(master.accepted, baseline.accepted)

    def test_a_runner_reads_on_past_pages_cut_short_and_a_fresh_one_replays_them_posting_nothing(self):
        _, _, baseline = search([])
        for at in (None, 3):
            with self.subTest(dies_at=at):
                final, _, master = search([] if at is None else [(at, True)], page=2)
                self.assertEqual(final, "COMPLETED")
                self.assertEqual(master.accepted, baseline.accepted)
                posts = master.posts
                self.assertEqual(SearchRunner(Halving(), 1, transport=master, wait_seconds=0).run(), "COMPLETED")
                self.assertEqual(master.posts, posts)

    def test_a_method_that_decides_differently_on_replay_is_stopped(self):
        master = FakeCustomMaster()
        master.request("POST", "/x", {"lastEventId": 1, "operations": [{"type": "create", "requestId": 1, "hparams": {"lr": 0.5}}]})
        with self.assertRaises(pushtune.NondeterministicSearchError) as caught:
            SearchRunner(Halving(), 1, transport=master, wait_seconds=0).run()
        self.assertIn("for event 1 (initialOperations)", str(caught.exception))

    def test_a_hook_that_answers_no_list_of_operations_is_named_in_the_error(self):
        class Forgetful(Halving):
            def initial_operations(self, state):  # type: ignore[override]
                super().initial_operations(state)  # a hook without ``return``

        with self.assertRaises(TypeError) as caught:
            SearchRunner(Forgetful(), 1, transport=FakeCustomMaster(), wait_seconds=0).run()
        self.assertEqual(
            str(caught.exception),
            "the search method's initial_operations answered None for event 1 (initialOperations): "
            "a hook returns a list of operations, [] for none",
        )

    def test_an_early_exit_reaches_on_trial_exited_early_whose_operations_replace_the_trial(self):
        master = FakeCustomMaster()
        method = Replacing()
        self.assertEqual(SearchRunner(method, 1, transport=master, wait_seconds=0).run(), "COMPLETED")
        self.assertEqual(method.exits, [(1, "INVALID_HP")])
        created = [(op["requestId"], op["hparams"]["lr"]) for op in master.accepted if op["type"] == "create"]
        self.assertEqual(created, [(1, 0.09), (2, 0.01), (3, 0.02)])

    def test_an_answer_that_says_to_retry_after_infinity_is_retried_as_any_other(self):
        master = FakeCustomMaster()
        server = HttpFakeMaster(master)
        self.addCleanup(server.close)
        transport = HttpTransport(server.url, server.token)
        self.addCleanup(transport.close)
        server.overrides.append((503, {"retry-after": "inf"}, {}))
        self.assertEqual(SearchRunner(Halving(), 1, transport=transport, wait_seconds=0).run(), "COMPLETED")

    def test_without_master_and_token_it_says_what_is_missing(self):
        with self.assertRaises(ValueError) as caught:
            import os
            saved = {k: os.environ.pop(k) for k in ("PUSHTUNE_MASTER", "PUSHTUNE_TOKEN") if k in os.environ}
            try:
                SearchRunner(Halving(), 1)
            finally:
                os.environ.update(saved)
        self.assertIn("PUSHTUNE_MASTER and PUSHTUNE_TOKEN", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
