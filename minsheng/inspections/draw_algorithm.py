"""The random draw of 双随机 (random targets, random inspectors): a fixed, versioned algorithm that
anyone can re-run from a draw's published record and get the same result, on any machine, any
database and any Python version. It uses only SHA-256 and integer arithmetic: no `random`
module (whose algorithms are not promised across versions), no floats, no dict order.

Algorithm "msd-1"
=================
Inputs: the frozen pool (targets, inspectors, declared conflicts), the seed, the ratio of each
credit stratum, and how many inspectors go to each target (at least 2).

1. The pool, canonical. One line per record, UTF-8, each ending in "\\n", after a first line
   "msd-1":
       T<TAB>统一社会信用代码<TAB>credit class (A, B, C or D)      sorted by code
       I<TAB>inspector's certificate number                      sorted by number
       X<TAB>certificate number<TAB>统一社会信用代码              sorted (a declared conflict)
   The pool hash is the SHA-256 of these bytes, in lowercase hex. It is published when the pool
   is frozen, before the seed is known.
2. The random stream. Number i (i = 0, 1, 2, …) of the stream is the first 8 bytes, read as an
   unsigned big-endian integer, of SHA-256("msd-1" 0x00 pool-hash 0x00 seed 0x00 i), where
   pool-hash is the 64 ASCII hex digits, seed its UTF-8 bytes, and i 8 bytes big-endian.
   uniform(n), a whole number 0 ≤ x < n: take the next number r; if r ≥ 2^64 − (2^64 mod n),
   discard it and take the next; else x = r mod n (no bias).
3. Targets, stratum by stratum in the order A, B, C, D. A stratum's members are its targets in
   code order; of its n members k = ⌈n × ratio⌉ are drawn (a ratio is a decimal from 0 to 1) by
   the first k steps of a Fisher–Yates shuffle: for j = 0 … k−1, swap member j with member
   j + uniform(n − j). The drawn targets are members 0 … k−1 in that order.
4. Inspectors, target by target in the order drawn: m inspectors (m ≥ 2), each chosen as
   inspector number uniform(N) of all N in certificate order, again until one comes that is not
   yet chosen for this target and has not declared a conflict with it. A target with fewer than
   m inspectors free of conflict stops the draw before anything is chosen.
5. The result: one line per drawn target, "targets code<TAB>class<TAB>cert,cert…\\n" in the
   order drawn; its SHA-256 is the result hash.
"""

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal

VERSION = "msd-1"
GRADES = ("A", "B", "C", "D")
MIN_INSPECTORS = 2
_TWO_64 = 1 << 64


class DrawProblem(ValueError):
    """The inputs cannot give a draw (a stratum ratio out of range, a target without enough free
    inspectors, a pool that is not canonical)."""


_FORBIDDEN = re.compile(r"[\t\n\r,]")


def _strictly_sorted(values: Sequence) -> bool:
    return all(a < b for a, b in zip(values, values[1:]))


@dataclass(frozen=True)
class Pool:
    targets: tuple[tuple[str, str], ...]  # (uscc, grade), sorted by uscc
    inspectors: tuple[str, ...]  # certificate numbers, sorted
    conflicts: tuple[tuple[str, str], ...]  # (certificate, uscc), sorted

    @classmethod
    def of(cls, targets: Iterable[tuple[str, str]], inspectors: Iterable[str],
           conflicts: Iterable[tuple[str, str]] = ()) -> "Pool":
        """The pool of these records, put in canonical order (a million targets in ~1 s: the
        checks look at joined text and sorted neighbours, not at each record in Python)."""
        targets = tuple(sorted(targets))
        inspectors = tuple(sorted(set(inspectors)))
        known = set(inspectors)
        conflicts = tuple(sorted({(cert, code) for cert, code in conflicts if cert in known}))
        pool = cls(targets, inspectors, conflicts)
        pool._check()
        return pool

    def _check(self, *, texts_checked: bool = False) -> None:
        codes = [code for code, _grade in self.targets]
        if not _strictly_sorted(codes):
            raise DrawProblem("同一市场主体在抽查对象库中出现了两次。")
        if not texts_checked and not {grade for _code, grade in self.targets} <= set(GRADES):
            raise DrawProblem("信用风险分类只能是A、B、C、D。")
        if not _strictly_sorted(self.inspectors) or not _strictly_sorted(self.conflicts):
            raise DrawProblem("执法检查人员或回避关系重复。")
        if texts_checked:  # by the canonical form's regular expression
            return
        texts = "\x00".join((*codes, *self.inspectors))
        if _FORBIDDEN.search(texts) or "\x00\x00" in texts or texts.startswith("\x00") or texts.endswith("\x00"):
            raise DrawProblem("抽查库中有空白的代码或证号，或含有制表符、换行、逗号。")

    @cached_property
    def canonical_bytes(self) -> bytes:
        parts = [VERSION, "\n"]
        parts += [f"T\t{code}\t{grade}\n" for code, grade in self.targets]
        parts += [f"I\t{cert}\n" for cert in self.inspectors]
        parts += [f"X\t{cert}\t{code}\n" for cert, code in self.conflicts]
        return "".join(parts).encode()

    def canonical(self) -> bytes:
        return self.canonical_bytes

    @classmethod
    def parse(cls, data: bytes) -> "Pool":
        """The pool from its canonical bytes; refuses bytes that are not canonical (unsorted,
        repeated, out of section order), so that one pool has exactly one hash. The format is
        checked by one regular expression over the whole text, not line by line in Python."""
        try:
            text = data.decode()
        except UnicodeDecodeError:
            raise DrawProblem("抽查库记录不是UTF-8文本。") from None
        if not text.startswith(VERSION + "\n"):
            raise DrawProblem("抽查库记录的格式版本不符。")
        sections = _CANONICAL.fullmatch(text)
        if sections is None:
            raise DrawProblem("抽查库记录中有无法识别的行，或各部分次序不对。")
        pool = cls(tuple(_TARGET_LINE.findall(sections[1])), tuple(_INSPECTOR_LINE.findall(sections[2])),
                   tuple(_CONFLICT_LINE.findall(sections[3])))
        pool._check(texts_checked=True)
        if {cert for cert, _code in pool.conflicts} - set(pool.inspectors):
            raise DrawProblem("回避关系中有不在执法检查人员库中的证号。")
        pool.__dict__["canonical_bytes"] = data
        return pool

    @classmethod
    def parse_published(cls, data: bytes, published_hash: str) -> "Pool":
        """A frozen pool from its stored bytes, refused unless they still give the hash that was
        published (hashed once: the draw's stream starts from the same hash)."""
        digest = hashlib.sha256(data).hexdigest()
        if digest != published_hash:
            raise DrawProblem("封存的抽查库与公布的哈希不符：抽查库在公布后被改动过。")
        pool = cls.parse(data)
        pool.__dict__["hash"] = digest
        return pool

    @cached_property
    def hash(self) -> str:
        return hashlib.sha256(self.canonical_bytes).hexdigest()


_FIELD = r"[^\t\n\r,]+"
_CANONICAL = re.compile(rf"{VERSION}\n((?:T\t{_FIELD}\t[ABCD]\n)*)((?:I\t{_FIELD}\n)*)((?:X\t{_FIELD}\t{_FIELD}\n)*)")
_TARGET_LINE = re.compile(r"T\t([^\t]+)\t([ABCD])\n")
_INSPECTOR_LINE = re.compile(r"I\t([^\n]+)\n")
_CONFLICT_LINE = re.compile(r"X\t([^\t]+)\t([^\n]+)\n")


class Stream:
    """Step 2: the numbers drawn from SHA-256 of the pool hash, the seed and a counter."""

    def __init__(self, pool_hash: str, seed: str):
        self._prefix = VERSION.encode() + b"\x00" + pool_hash.encode() + b"\x00" + seed.encode() + b"\x00"
        self.counter = 0

    def next(self) -> int:
        digest = hashlib.sha256(self._prefix + self.counter.to_bytes(8, "big")).digest()
        self.counter += 1
        return int.from_bytes(digest[:8], "big")

    def uniform(self, n: int) -> int:
        if n <= 0:
            raise ValueError(n)
        limit = _TWO_64 - (_TWO_64 % n)
        while True:
            value = self.next()
            if value < limit:
                return value % n


def stratum_size(members: int, ratio: Decimal) -> int:
    return min(members, math.ceil(members * ratio))


def check_ratios(ratios: dict[str, Decimal | str]) -> dict[str, Decimal]:
    checked = {}
    for grade in GRADES:
        try:
            ratio = Decimal(str(ratios.get(grade, "0")))
        except ArithmeticError:
            raise DrawProblem(f"{grade}类的抽查比例不是数字。") from None
        if not ratio.is_finite() or not Decimal(0) <= ratio <= Decimal(1):
            raise DrawProblem(f"{grade}类的抽查比例应在0到100%之间。")
        checked[grade] = ratio
    return checked


@dataclass(frozen=True)
class Pick:
    uscc: str
    grade: str
    inspectors: tuple[str, ...]


def run(pool: Pool, seed: str, ratios: dict[str, Decimal | str], per_target: int = MIN_INSPECTORS) -> list[Pick]:
    """Steps 3 and 4: the drawn targets, each with its inspectors."""
    ratios = check_ratios(ratios)
    if per_target < MIN_INSPECTORS:
        raise DrawProblem(f"每户至少应抽取{MIN_INSPECTORS}名执法检查人员。")
    stream = Stream(pool.hash, seed)
    drawn: list[tuple[str, str]] = []
    for grade in GRADES:
        members = [code for code, member_grade in pool.targets if member_grade == grade]
        for j in range(stratum_size(len(members), ratios[grade])):
            swap = j + stream.uniform(len(members) - j)
            members[j], members[swap] = members[swap], members[j]
            drawn.append((members[j], grade))
    conflicted: dict[str, set[int]] = {}
    index = {cert: position for position, cert in enumerate(pool.inspectors)}
    for cert, code in pool.conflicts:
        conflicted.setdefault(code, set()).add(index[cert])
    for code, _grade in drawn:
        free = len(pool.inspectors) - len(conflicted.get(code, ()))
        if free < per_target:
            raise DrawProblem(f"{code}可回避后的执法检查人员不足{per_target}名，无法抽取。")
    picks = []
    for code, grade in drawn:
        excluded = conflicted.get(code, set())
        chosen: list[int] = []
        while len(chosen) < per_target:
            candidate = stream.uniform(len(pool.inspectors))
            if candidate not in excluded and candidate not in chosen:
                chosen.append(candidate)
        picks.append(Pick(code, grade, tuple(pool.inspectors[i] for i in chosen)))
    return picks


def result_text(picks: Sequence[Pick]) -> str:
    return "".join(f"{pick.uscc}\t{pick.grade}\t{','.join(pick.inspectors)}\n" for pick in picks)


def result_hash(picks: Sequence[Pick]) -> str:
    return hashlib.sha256(result_text(picks).encode()).hexdigest()


def seed_commitment(seed: str) -> str:
    """What is published before the pool is frozen when the seed is not from a public source."""
    return hashlib.sha256(seed.encode()).hexdigest()
