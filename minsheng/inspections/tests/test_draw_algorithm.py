"""The draw algorithm msd-1 as its docstring documents it: one record gives one result, on any
machine and Python version (the published vector below), strata drawn at their ratios,
inspectors never drawn for a firm they declared a conflict with."""

import hashlib
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.inspections import draw_algorithm as algorithm
from minsheng.inspections.draw_algorithm import DrawProblem, Pool

RATIOS = {"A": "0.01", "B": "0.02", "C": "0.1", "D": "0.3"}


def code(n: int) -> str:
    return f"91360429MA{n:07d}X"


def sample_pool() -> Pool:
    grades = "AABBBBCCDD"
    return Pool.of([(code(n), grades[n % 10]) for n in range(200)], [f"JX{n:04d}" for n in range(12)],
                   [("JX0003", code(7)), ("JX0005", code(7))])


def test_the_published_vector_gives_the_published_result():
    """Anyone re-implementing msd-1 from the docstring must get exactly this. If this test fails,
    the algorithm changed: published draws could no longer be verified. Make a new version."""
    pool = sample_pool()
    assert pool.hash == "aedd7ebd3a87e67eacc4022c6ed57937a2aa636c6bff0370abd05a9b6c058b8d"
    stream = algorithm.Stream(pool.hash, "2026年12月8日双色球第2026142期：03 11 17 22 28 31 + 09")
    first = hashlib.sha256(b"msd-1\x00" + pool.hash.encode() + b"\x00"
                           + "2026年12月8日双色球第2026142期：03 11 17 22 28 31 + 09".encode() + b"\x00"
                           + (0).to_bytes(8, "big")).digest()
    assert stream.next() == int.from_bytes(first[:8], "big")
    picks = algorithm.run(pool, "2026年12月8日双色球第2026142期：03 11 17 22 28 31 + 09", RATIOS)
    assert algorithm.result_text(picks[:2]) == ("91360429MA0000001X\tA\tJX0009,JX0008\n"
                                                "91360429MA0000012X\tB\tJX0010,JX0005\n")
    assert [(pick.uscc[-5:-1], pick.grade) for pick in picks][2:4] == [("0045", "B"), ("0146", "C")]
    assert len(picks) == 1 + 2 + 4 + 12  # ⌈40×1%⌉ A, ⌈80×2%⌉ B, ⌈40×10%⌉ C, ⌈40×30%⌉ D
    assert algorithm.result_hash(picks) == "07d4cb4c471e74094ac78c4e6f6a00e1be41cf215608a3147e19b5ae22231e18"


def test_a_pool_reads_back_from_its_canonical_bytes_and_only_those():
    pool = sample_pool()
    data = pool.canonical()
    assert Pool.parse(data) == pool
    assert data.startswith(b"msd-1\nT\t91360429MA0000000X\tA\n")
    lines = data.decode().split("\n")
    swapped = "\n".join([lines[0], lines[2], lines[1], *lines[3:]]).encode()
    for bad in (swapped, data.replace(b"\tA\n", b"\tE\n", 1), data + b"T\t1\tA\n", data[:-1], b"msd-2" + data[5:],
                data.replace(b"I\tJX0000\n", b"I\tJX0000\nI\tJX0000\n"), b"\xff" + data):
        with pytest.raises(DrawProblem):
            Pool.parse(bad)


def test_records_that_would_break_the_line_format_are_refused():
    for targets, inspectors in (([("913604,29", "A")], ["J1"]), ([("91\t3604", "A")], ["J1"]), ([("", "A")], ["J1"]),
                                ([("X1", "A")], ["J 1\n"]), ([("X1", "A"), ("X1", "B")], ["J1"]), ([("X1", "E")], ["J1"])):
        with pytest.raises(DrawProblem):
            Pool.of(targets, inspectors)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 60), min_size=4, max_size=4),
       ratios=st.lists(st.decimals(0, 1, places=3), min_size=4, max_size=4), seed=st.text(max_size=20))
def test_each_stratum_is_drawn_at_its_ratio_rounded_up(sizes, ratios, seed):
    targets = [(code(grade * 100 + n), "ABCD"[grade]) for grade, size in enumerate(sizes) for n in range(size)]
    pool = Pool.of(targets, ["J1", "J2", "J3"])
    picks = algorithm.run(pool, seed, dict(zip("ABCD", ratios)))
    for grade, size, ratio in zip("ABCD", sizes, ratios):
        drawn = [pick.uscc for pick in picks if pick.grade == grade]
        assert len(drawn) == math.ceil(size * ratio) and len(set(drawn)) == len(drawn)
    assert {pick.uscc for pick in picks} <= {uscc for uscc, _ in targets}


@settings(max_examples=60, deadline=None)
@given(inspectors=st.integers(2, 8), conflicts=st.sets(st.tuples(st.integers(0, 7), st.integers(0, 19))),
       per_target=st.integers(2, 3), seed=st.text(max_size=10))
def test_inspectors_are_distinct_and_never_one_who_declared_a_conflict(inspectors, conflicts, per_target, seed):
    certificates = [f"J{n}" for n in range(inspectors)]
    declared = {(f"J{i}", code(t)) for i, t in conflicts if i < inspectors}
    pool = Pool.of([(code(t), "D") for t in range(20)], certificates, declared)
    free = {code(t): inspectors - sum(1 for _, c in declared if c == code(t)) for t in range(20)}
    if min(free.values()) < per_target:
        with pytest.raises(DrawProblem, match="回避后的执法检查人员不足"):
            algorithm.run(pool, seed, {"D": "1"}, per_target)
        return
    picks = algorithm.run(pool, seed, {"D": "1"}, per_target)
    assert len(picks) == 20
    for pick in picks:
        assert len(pick.inspectors) == per_target == len(set(pick.inspectors))
        assert not {(cert, pick.uscc) for cert in pick.inspectors} & declared


def test_the_same_record_gives_the_same_result_and_a_changed_seed_or_pool_does_not():
    pool = sample_pool()
    first = algorithm.run(pool, "seed-1", RATIOS)
    assert algorithm.run(Pool.parse(pool.canonical()), "seed-1", RATIOS) == first
    assert algorithm.run(pool, "seed-2", RATIOS) != first
    grown = Pool.of([*pool.targets, (code(999), "D")], pool.inspectors, pool.conflicts)
    assert grown.hash != pool.hash and algorithm.run(grown, "seed-1", RATIOS) != first


def test_ratios_out_of_range_and_one_inspector_are_refused():
    pool = sample_pool()
    for ratios in ({"A": "1.5"}, {"A": "-0.1"}, {"A": "NaN"}, {"A": "abc"}, {"A": "Infinity"}):
        with pytest.raises(DrawProblem, match="抽查比例"):
            algorithm.run(pool, "s", ratios)
    with pytest.raises(DrawProblem, match="至少应抽取2名"):
        algorithm.run(pool, "s", RATIOS, per_target=1)
    assert algorithm.stratum_size(40, Decimal("0.01")) == 1 and algorithm.stratum_size(0, Decimal("1")) == 0
