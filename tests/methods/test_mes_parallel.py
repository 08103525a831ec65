"""The MES completion scanned in stages by several processes (``mes._complete_parallel``):
each stage of the scan decides on its own whether the scan stops inside it, so that the first
stage that stops holds the unit-by-unit scan's stop, whatever the cut; and the parallel
completion returns what the unit-by-unit scan returns."""

from __future__ import annotations

import multiprocessing
import threading
import time
from fractions import Fraction

import numpy as np
import pytest

from pnyx.methods import mes, mes_small

from .test_mes_certificates import random_arguments


def _election(seed: int) -> tuple[tuple, dict]:
    args, cost_utility = random_arguments(
        70_000 + seed,
        np.random.default_rng(seed),
        n_projects=(8, 20),
        n_voters=(40, 200),
        max_length=(4, 8),
        costs=(100, 130, 200, 250, 310, 500, 770, 1000),
    )
    return args, dict(cost_utility=cost_utility, increment=1)


def _cuts(
    rng: np.random.Generator, end: int, lengths: tuple[int, ...] = (1, 1, 2, 3, 5, 8)
) -> list[tuple[int, int]]:
    """Stages ``[a, a']`` of random lengths (``lengths``) covering ``[0, end]``."""
    stages, first = [], 0
    while first <= end:
        last = first + int(rng.choice(lengths))
        stages.append((first, last))
        first = last
    return stages


def _stage_scans(args: tuple, cost_utility: bool) -> dict:
    """``scan(completion, first, last)``, the budget where each module's scan stops within
    the stage (None if it does not), from the same problem."""
    pr = mes._Problem(*args, cost_utility)
    prep = mes_small._Prep(*args, cost_utility)

    def by_mes(completion: str, first: int, last: int) -> Fraction | None:
        state = mes._complete(pr, completion, 1, "fast", None, first, last)
        return None if state is None else state.b

    def by_blocks(completion: str, first: int, last: int) -> Fraction | None:
        out = mes_small._scan(prep, completion, 1, None, first, last)
        return None if out is None else out.b

    return {"mes": by_mes, "mes_small": by_blocks}


@pytest.mark.parametrize("module", ["mes", "mes_small"])
@pytest.mark.parametrize("seed", range(30))
def test_the_first_stage_that_stops_holds_the_scans_stop(seed, module):
    _check_stages(seed, module, (1, 1, 2, 3, 5, 8))


@pytest.mark.parametrize("seed", range(30))
def test_long_stages_starting_with_fewer_units_one_by_one_hold_the_same_stop(seed, monkeypatch):
    """A stage after the first ones and longer than them starts its first block with half as
    many units one by one (here 8 of 16): where it stops is the same."""
    monkeypatch.setattr(mes_small, "_first_stage_units", lambda prep: 16)
    _check_stages(seed, "mes_small", (3, 17, 30))


def _check_stages(seed: int, module: str, lengths: tuple[int, ...]) -> None:
    """Cut the scan into stages of random ``lengths``: each stage before the unit whose run
    shows the stop finds no stop, the stage holding it finds the unit scan's."""
    args, kwargs = _election(seed)
    pr = mes._Problem(*args, kwargs["cost_utility"])
    scan = _stage_scans(args, kwargs["cost_utility"])[module]
    start = Fraction(pr.budget, pr.n_voters)
    rng = np.random.default_rng(seed)
    for completion in ("add1", "add1-no-stop"):
        unit = mes.equal_shares(*args, **kwargs, completion=completion, scan="unit")
        stop_k = int(unit.final_budget - start)
        # the scan stops at stop_k because the outcome there is exhaustive (add1) or funds
        # every project (add1-no-stop), or else because the run one unit up overspends
        there = mes._run(pr, unit.final_budget)
        if completion == "add1":
            halts = mes._exhaustive(pr, there)
        else:
            halts = len(there.rounds) == len(pr.candidates)
        seen_at = stop_k if halts else stop_k + 1  # the unit whose run shows the stop
        checked = 0
        for first, last in _cuts(rng, seen_at, lengths):
            stage = scan(completion, first, last)
            if last < seen_at:
                assert stage is None, (completion, first, last, stop_k)
                continue
            assert stage == unit.final_budget, (completion, first, last, stop_k)
            checked += 1
            break
        assert checked == 1


@pytest.mark.parametrize(
    "small, lazy", [(False, False), (True, False), (True, True)], ids=["mes", "blocks", "lazy"]
)
@pytest.mark.parametrize("seed", range(16))
def test_the_parallel_completion_equals_the_unit_scan(seed, small, lazy, monkeypatch):
    """Also with lazy blocks, the path of large elections."""
    monkeypatch.setattr(mes_small, "ENABLED", small)
    if lazy:
        monkeypatch.setattr(mes_small, "_LAZY_ENTRIES", 0)
    # stages of a few units each, so that the scan is cut many times
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 1 + seed % 4)
    monkeypatch.setattr(mes_small, "_first_stage_units", lambda prep: 1 + seed % 4)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)  # split whenever asked
    monkeypatch.setattr(mes, "_SPLIT_STARTS", 0.0)
    monkeypatch.setattr(mes_small, "_WALK_CELLS", 0)  # the numpy scan, not the plain walk
    args, kwargs = _election(100 + seed)
    arrays = [np.asarray(a) for a in (args[0], args[2], args[3])]
    if small and not mes_small._scan_fits(*arrays, kwargs["cost_utility"]):
        pytest.skip("mes_small's numpy scan does not take this election")
    staged = []  # the modules whose scan was cut in stages

    def recording(module):
        def staged_stop(*a, **kw):
            staged.append(module)
            return mes.staged_stop(*a, **kw)

        return staged_stop

    monkeypatch.setattr(mes_small, "staged_stop", recording("mes_small"))
    for completion in ("add1", "add1-no-stop", "add1-greedy"):
        reached: list[float] = []
        parallel = mes.equal_shares(
            *args, **kwargs, completion=completion, workers=2, progress=reached.append
        )
        unit = mes.equal_shares(*args, **kwargs, completion=completion, scan="unit")
        assert parallel.selected == unit.selected, completion
        assert parallel.final_budget == unit.final_budget, completion
        assert parallel.reasons == unit.reasons, completion
        np.testing.assert_allclose(parallel.payments, unit.payments)
        assert reached[0] == 0.0 and reached[-1] == 1.0
        assert reached == sorted(reached)
    # mes's stages, or with mes_small on, its own
    assert staged == (["mes_small"] * 3 if small else [])


def test_workers_must_be_a_positive_integer():
    args, kwargs = _election(0)
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="workers"):
            mes.equal_shares(*args, **kwargs, completion="add1", workers=bad)


def test_no_fork_while_other_threads_run():
    """Forking a process whose other threads may hold locks (a threaded web server) is unsafe:
    the completion then stays in one process."""
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert mes.available_workers() == 1
    finally:
        release.set()
        thread.join()


def test_stages_are_read_in_order_whatever_ends_first(monkeypatch):
    """A later stage that stops, and ends first, does not hide an earlier stop."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 4)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)

    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        if first <= 9 <= last:
            time.sleep(0.3)  # the true stop takes longest
            return Fraction(9), 0.5
        if first >= 12:
            return Fraction(first), 0.9  # speculation past the stop
        return None, first / 100

    reached: list[float] = []
    assert mes.staged_stop(scan_range, 2, reached.append) == 9
    assert reached == [0.0, 0.04]  # the stages before the stop, in order


def test_the_work_at_a_stop_is_done_while_the_stages_before_it_end(monkeypatch):
    """A later stage that finds a stop first lets the parent do its work there (the run at the
    stop) while the earlier stages still scan; once, and only for a stage that stops."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 4)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)

    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        if first == 0:
            time.sleep(0.3)  # the first stage ends last, without a stop
            return None, 0.0
        return Fraction(first + 1), 0.5

    seen: list[tuple[Fraction, bool]] = []

    def meanwhile(stop: Fraction) -> None:
        seen.append((stop, bool(multiprocessing.active_children())))

    assert mes.staged_stop(scan_range, 2, None, meanwhile=meanwhile) == 5
    assert seen == [(Fraction(5), True)]  # while the stage [0, 4] still ran


def test_an_earlier_stop_overrides_the_work_done_at_a_later_one(monkeypatch):
    """The stop handed to ``meanwhile`` is only a candidate: an earlier stage that stops too
    holds the scan's stop, which the count returns (and then does its work there)."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 4)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)

    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        if first == 0:
            time.sleep(0.3)
            return Fraction(2), 0.0
        return Fraction(first + 1), 0.5

    seen: list[Fraction] = []
    assert mes.staged_stop(scan_range, 2, None, meanwhile=seen.append) == 2
    assert seen == [Fraction(5)]


def test_a_completion_in_stages_returns_the_run_at_the_stop(monkeypatch):
    """The run the parent plays at a later stage's stop while the earlier stages end is the
    one the count returns, the same as in one process."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 2)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)
    monkeypatch.setattr(mes, "available_workers", lambda: 2)
    played: list[Fraction] = []
    real_run = mes._run

    def run(pr, b, expect=None):
        played.append(b)
        return real_run(pr, b, expect)

    monkeypatch.setattr(mes, "_run", run)
    rng = np.random.default_rng(7)
    for _ in range(20):
        costs = rng.integers(1, 40, size=6) * 10
        util = (rng.random((30, 6)) < 0.4).astype(np.int64)
        mult = rng.integers(1, 4, size=30)
        args = (costs, 200, util, mult, np.arange(6))
        kwargs = {"cost_utility": True, "completion": "add1", "increment": 1}
        played.clear()
        staged = mes._complete_parallel(mes._Problem(*args, cost_utility=True), "add1", 1, None, 2)
        assert played.count(staged.b) == 1  # played once, at the stop returned
        alone = mes.equal_shares(*args, **kwargs, scan="unit")
        assert [j for j, _ in staged.rounds] == [int(j) for j in alone.selected]


def test_the_processes_still_scanning_at_the_stop_end(monkeypatch):
    """Once the stop is known the count returns without waiting for the processes it killed
    (one is still scanning far past the stop); they end and are reaped all the same."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 4)

    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        if first == 0:
            return Fraction(3), 0.5
        time.sleep(30)  # a stage that would take long: killed
        return None, 0.9

    start = time.perf_counter()
    assert mes.staged_stop(scan_range, 2, None) == 3
    assert time.perf_counter() - start < 10
    deadline = time.perf_counter() + 10
    while multiprocessing.active_children() and time.perf_counter() < deadline:
        time.sleep(0.01)
    assert not multiprocessing.active_children()


def test_a_stage_is_cut_shorter_or_dropped_when_the_parent_asks(monkeypatch):
    """The worker's side: a scan asks ``stage_end`` where its stage ends; asked to split, it
    keeps the first half of what is left and says where the rest starts (or refuses when too
    little is left); asked to drop the stage, it stops."""
    mine, theirs = multiprocessing.Pipe()
    monkeypatch.setattr(mes, "_CONTROL", theirs)
    monkeypatch.setattr(mes, "_STAGE_CUT", None)
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, 0.0, 0.0])
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)
    assert mes.stage_end(10, 50) == 50  # nothing asked
    mine.send(("split",))
    assert mes.stage_end(10, 50) == 30
    assert mine.recv() == ("split", 30, 50)
    mine.send(("split",))
    assert mes.stage_end(29, 30) == 30  # one unit left: refused
    assert mine.recv() == ("split", None, None)
    mine.send(("cancel",))
    with pytest.raises(mes._Cancelled):
        mes.stage_end(12, 30)
    monkeypatch.setattr(mes, "_CONTROL", None)
    mine.send(("split",))
    assert mes.stage_end(10, 50) == 50  # not in a worker: no one to answer


def test_a_stage_answers_between_the_rounds_of_a_block(monkeypatch):
    """During a block the stage answers its parent at once (stage_poll) from the units it had
    resolved, and ends at the cut when the scan next asks where it ends; during its first
    block, whose end measures what starting the stage cost, requests wait."""
    mine, theirs = multiprocessing.Pipe()
    monkeypatch.setattr(mes, "_CONTROL", theirs)
    monkeypatch.setattr(mes, "_STAGE_CUT", None)
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, time.perf_counter() - 1.0, -1.0])
    mine.send(("split",))
    mes.stage_poll(0, 50)  # the first block: not answered yet
    assert not mine.poll()
    assert mes.stage_end(0, 50) == 50  # its end: no rate yet, refused
    assert mine.recv() == ("split", None, None)
    # started in 0.1 s, 10 units in 0.9 s, 40 left
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, time.perf_counter() - 1.0, 0.1])
    mine.send(("split",))
    mes.stage_poll(10, 50)  # a later block, from unit 10: answered at once
    assert mine.recv() == ("split", 30, 50)
    mes.stage_poll(12, 50)  # nothing asked
    assert mes.stage_end(20, 50) == 30  # the block's runs past 30 are not the stage's
    mine.send(("cancel",))
    with pytest.raises(mes._Cancelled):
        mes.stage_poll(20, 30)
    monkeypatch.setattr(mes, "_CONTROL", None)
    mes.stage_poll(10, 50)  # not in a worker: nothing to answer


@pytest.mark.parametrize("seed", range(12))
def test_a_stage_cut_while_a_lazy_block_runs_finds_the_stop_up_to_the_cut(seed, monkeypatch):
    """A stage asked to split during a block (after its first block) answers between the
    block's rounds, from the units it had resolved; the scan then ends at the cut: no stop if
    the scan stops past it, else the unit scan's stop. As in a worker process."""
    monkeypatch.setattr(mes_small, "_LAZY_ENTRIES", 0)  # every block lazy
    monkeypatch.setattr(mes_small, "_first_stage_units", lambda prep: 1)  # blocks after it
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)
    monkeypatch.setattr(mes, "_SPLIT_STARTS", 0.0)
    mine, theirs = multiprocessing.Pipe()
    monkeypatch.setattr(mes, "_CONTROL", theirs)
    args, kwargs = _election(seed)
    prep = mes_small._Prep(*args, kwargs["cost_utility"])
    unit = mes.equal_shares(*args, **kwargs, completion="add1", scan="unit")
    stop_k = int(unit.final_budget - Fraction(prep.budget, prep.n_voters))
    asked, answered_in_block = [False], [False]
    stage_end, stage_poll = mes_small.stage_end, mes_small.stage_poll

    def asking_end(k, last):  # the parent asks once the stage has measured its start
        end = stage_end(k, last)
        if not asked[0]:
            asked[0] = True
            mine.send(("split",))
        return end

    def watched_poll(k, last):
        waiting = theirs.poll()  # the parent's request, not yet read by the stage
        stage_poll(k, last)
        answered_in_block[0] |= waiting and not theirs.poll()

    monkeypatch.setattr(mes_small, "stage_end", asking_end)
    monkeypatch.setattr(mes_small, "stage_poll", watched_poll)
    monkeypatch.setattr(mes, "_STAGE_CUT", None)
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, time.perf_counter(), -1.0])
    end = 2 * stop_k + 8 if seed % 2 else stop_k + 3  # cut past the stop, or before it
    out = mes_small._scan(prep, "add1", 1, None, 0, end)
    if not answered_in_block[0]:
        pytest.skip("the scan needed no block after the request")
    reply = mine.recv()
    assert reply[0] == "split" and reply[2] == end
    cut = end if reply[1] is None else reply[1]
    if stop_k > cut:
        assert out is None
    else:
        assert out is not None and out.b == unit.final_budget


def test_a_stage_is_not_split_when_less_is_left_than_starting_one_costs(monkeypatch):
    """A split hands the rest to a process that must start a stage of its own: refused while
    the time left, at the rate of the units scanned since the stage's start, is under twice
    what starting this stage cost; and at the stage's first question, with no rate yet."""
    mine, theirs = multiprocessing.Pipe()
    monkeypatch.setattr(mes, "_CONTROL", theirs)
    monkeypatch.setattr(mes, "_STAGE_CUT", None)
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)
    now = time.perf_counter()
    # started 1 s ago, 0.9 s of it to start: 10 units in 0.1 s, 40 left, about 0.4 s
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, now - 1.0, 0.9])
    mine.send(("split",))
    assert mes.stage_end(10, 50) == 50
    assert mine.recv() == ("split", None, None)
    # the same stage had started in 0.1 s: 10 units in 0.9 s, 40 left (3.6 s): split
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, now - 1.0, 0.1])
    mine.send(("split",))
    assert mes.stage_end(10, 50) == 30
    assert mine.recv() == ("split", 30, 50)
    # the first question of a (new) stage measures its start, and no rate is known yet
    monkeypatch.setattr(mes, "_STAGE_STARTED", [0, time.perf_counter() - 1.0, -1.0])
    monkeypatch.setattr(mes, "_STAGE_CUT", None)
    mine.send(("split",))
    assert mes.stage_end(10, 50) == 50
    assert mine.recv() == ("split", None, None)
    assert 0.9 < mes._STAGE_STARTED[2] < 30


def test_an_idle_process_takes_half_of_a_stage_before_a_known_stop(monkeypatch):
    """Once a later stage has found a stop, a process left idle takes the second half of what
    is left of the stage before it, and the stop is the same."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 100)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)

    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        if first >= 100:  # the second stage stops at once
            return Fraction(first + 1), 0.0
        k, end = first, last
        while True:  # 10 ms a unit, asking at each whether the stage was cut
            cut = mes.stage_end(k, end)
            assert cut is not None
            end = cut
            if k >= end:
                return None, float(first)  # progress: where the stage began
            time.sleep(0.01)
            k += 1

    reached: list[float] = []
    assert mes.staged_stop(scan_range, 2, reached.append) == 101
    # [0, 100] was cut at least once: stages read in order, each beginning inside it
    assert len(reached) >= 2 and reached[0] == 0.0
    assert reached == sorted(reached) and all(0 <= r < 100 for r in reached)


def test_a_stage_past_the_stop_lets_an_idle_process_share_the_stage_before(monkeypatch):
    """A stage whose first run overspends tells the parent at once that the stop is before it:
    the stages after are not started, and the idle process takes half of what is left of the
    earlier stage, which finds the stop sooner; the stop is the same."""
    monkeypatch.setattr(mes, "_STAGE_FIRST_UNITS", 100)
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)
    monkeypatch.setattr(mes, "_SPLIT_SECONDS", 0.0)

    def scan_range(first: int, last: int) -> tuple[tuple[int, int] | None, float]:
        if first >= 100:  # O_100 overspends: the scan stops before
            mes.stage_past_stop()
            raise AssertionError("stage_past_stop returns only outside a worker")
        k, end = first, last
        while True:  # 10 ms a unit; the scan stops at unit 90
            if k == 90:
                return (90, first), 0.0
            cut = mes.stage_end(k, end)
            assert cut is not None
            end = cut
            if k >= end:
                return None, 0.0
            time.sleep(0.01)
            k += 1

    stop, found_by = mes.staged_stop(scan_range, 2, None)
    assert stop == 90
    assert 0 < found_by < 90  # a stage split off [0, 100] by the idle process
    mes.stage_past_stop()  # outside a worker: nothing to tell


def test_a_failing_stage_is_reported_and_its_processes_stopped():
    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        if first >= 20:
            raise ValueError("no budget here")
        return None, 0.0

    before = set(threading.enumerate())
    with pytest.raises(RuntimeError, match="no budget here"):
        mes.staged_stop(scan_range, 2, None)
    assert not multiprocessing.active_children()
    assert set(threading.enumerate()) == before


def test_the_stage_that_stops_sends_back_its_run(monkeypatch):
    """The parent does not count MES again at the stop: the stage that found it sends back its
    funded projects and price factors, from which the payments are replayed bit for bit as in
    one process."""
    monkeypatch.setattr(mes, "_STAGE_SECONDS", 0.0)
    monkeypatch.setattr(mes_small, "_WALK_CELLS", 0)  # the numpy scan, not the plain walk
    monkeypatch.setattr(mes_small, "_first_stage_units", lambda prep: 2)
    exact_outcome = mes_small._exact_outcome
    checked = 0
    for seed in range(100, 116):
        args, kwargs = _election(seed)
        arrays = [np.asarray(a) for a in (args[0], args[2], args[3])]
        if not mes_small._scan_fits(*arrays, kwargs["cost_utility"]):
            continue
        recounts: list[Fraction] = []

        def recorded(prep, b, recounts=recounts):
            recounts.append(b)
            return exact_outcome(prep, b)

        monkeypatch.setattr(mes_small, "_exact_outcome", recorded)
        alone = mes.equal_shares(*args, **kwargs, completion="add1", workers=1)
        if recounts:  # an uncertain decision: counted by mes in either case
            continue

        def refused(prep, b):
            raise AssertionError(f"MES counted again at {b}")

        monkeypatch.setattr(mes_small, "_exact_outcome", refused)
        staged = mes.equal_shares(*args, **kwargs, completion="add1", workers=2)
        assert staged.selected == alone.selected
        assert staged.final_budget == alone.final_budget
        np.testing.assert_array_equal(staged.payments, alone.payments)
        checked += 1
    assert checked >= 5
