"""A firm's size class (大型、中型、小型、微型) by the SME classification rules, and whether it is
规上 (above designated size) by the statistical thresholds: pure functions over the dated tables
in data/size_rules.json (工信部联企业〔2011〕300号 and the statistics bureau's thresholds).

The tables are data, not code: when a new standard takes effect its rules are appended with their
date, and a firm is classed by the rules in force on the day asked about.

The 2011 rules, as the document states them per sector: a firm is a small or medium-sized one
(中小微型) if any measure is below the sector's upper limit ("从业人员1000人以下或营业收入40000万元
以下"), otherwise large; among those, medium if every medium measure is at or above its threshold
("从业人员300人及以上，且营业收入2000万元及以上"), else small likewise, else micro. A measure the
rules need and the registry lacks leaves the firm unclassed (None), never guessed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "size_rules.json"

LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"
SIZE_LABELS = {LARGE: "大型", MEDIUM: "中型", SMALL: "小型", MICRO: "微型"}
MEASURES = ("employees", "revenue", "assets")


def _expand(prefixes: list[str]) -> tuple[str, ...]:
    """"06-46" is every division from 06 to 46; other entries stand as written."""
    expanded: list[str] = []
    for prefix in prefixes:
        if "-" in prefix:
            low, high = prefix.split("-")
            expanded.extend(f"{number:0{len(low)}d}" for number in range(int(low), int(high) + 1))
        else:
            expanded.append(prefix)
    return tuple(expanded)


def _longest(prefixes_of, code: str):
    """The entry whose prefix is the longest start of `code` (4-digit classes beat divisions)."""
    best, best_length = None, -1
    for entry, prefixes in prefixes_of:
        for prefix in prefixes:
            if code.startswith(prefix) and len(prefix) > best_length:
                best, best_length = entry, len(prefix)
    return best


@dataclass(frozen=True)
class Sector:
    key: str
    name: str
    prefixes: tuple[str, ...]
    sme_below: dict[str, Decimal]
    medium: dict[str, Decimal]
    small: dict[str, Decimal]

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(m for m in MEASURES if m in self.sme_below or m in self.medium or m in self.small)


@dataclass(frozen=True)
class SizeRules:
    name: str
    document: str
    effective_from: date
    sectors: tuple[Sector, ...]

    def sector_for(self, industry: str) -> Sector:
        return _longest(((s, s.prefixes) for s in self.sectors), industry)


@dataclass(frozen=True)
class ScaleGroup:
    name: str
    prefixes: tuple[str, ...]
    revenue: Decimal | None
    qualified: bool


@dataclass(frozen=True)
class ScaleRules:
    name: str
    document: str
    effective_from: date
    groups: tuple[ScaleGroup, ...]

    def group_for(self, industry: str) -> ScaleGroup | None:
        return _longest(((g, g.prefixes) for g in self.groups), industry)


def _amounts(raw: dict) -> dict[str, Decimal]:
    return {key: Decimal(str(value)) for key, value in raw.items()}


@cache
def _tables() -> tuple[tuple[SizeRules, ...], tuple[ScaleRules, ...]]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    sizes = tuple(sorted((SizeRules(
        name=r["name"], document=r["document"], effective_from=date.fromisoformat(r["effective_from"]),
        sectors=tuple(Sector(key=s["key"], name=s["name"], prefixes=_expand(s["prefixes"]), sme_below=_amounts(s["sme_below"]),
                             medium=_amounts(s["medium"]), small=_amounts(s["small"])) for s in r["sectors"]),
    ) for r in raw["size"]), key=lambda r: r.effective_from))
    scales = tuple(sorted((ScaleRules(
        name=r["name"], document=r["document"], effective_from=date.fromisoformat(r["effective_from"]),
        groups=tuple(ScaleGroup(name=g["name"], prefixes=_expand(g["prefixes"]),
                                revenue=Decimal(str(g["revenue"])) if "revenue" in g else None,
                                qualified=bool(g.get("qualified"))) for g in r["groups"]),
    ) for r in raw["above_scale"]), key=lambda r: r.effective_from))
    return sizes, scales


def _in_force(tables, on: date | None):
    on = on or date.today()
    found = [t for t in tables if t.effective_from <= on]
    if not found:
        raise LookupError(f"{on:%Y年%m月%d日}没有施行中的划型标准。")
    return found[-1]


def size_rules(on: date | None = None) -> SizeRules:
    return _in_force(_tables()[0], on)


def scale_rules(on: date | None = None) -> ScaleRules:
    return _in_force(_tables()[1], on)


def _meets(figures: dict[str, Decimal | int | None], thresholds: dict[str, Decimal]) -> bool | None:
    """Every measure at or above its threshold; None when a needed figure is unknown."""
    if any(figures.get(m) is None for m in thresholds):
        return None
    return all(Decimal(figures[m]) >= limit for m, limit in thresholds.items())


def size_class(industry: str, *, employees: int | None = None, revenue: Decimal | None = None,
               assets: Decimal | None = None, on: date | None = None) -> str | None:
    """LARGE, MEDIUM, SMALL or MICRO for a firm of `industry` (a GB/T 4754 class code such as
    "2922") with these figures (revenue and assets in 万元), by the rules in force `on`; None if a
    figure the sector's rules need is unknown."""
    sector = size_rules(on).sector_for(industry or "")
    figures = {"employees": employees, "revenue": revenue, "assets": assets}
    if any(figures[m] is None for m in sector.measures):
        return None
    # Large only when no measure is under the SME limits ("…以下或…以下的为中小微型企业").
    if all(Decimal(figures[m]) >= limit for m, limit in sector.sme_below.items()):
        return LARGE
    if _meets(figures, sector.medium):
        return MEDIUM
    if _meets(figures, sector.small):
        return SMALL
    return MICRO


def is_above_scale(industry: str, *, revenue: Decimal | None = None, qualified: bool = False,
                   on: date | None = None) -> bool:
    """规上 (规模以上工业、限额以上批零住餐、规模以上服务业、资质等级建筑业和房地产开发经营):
    main-business revenue (万元) at or above the group's threshold, or for construction and real
    estate development the qualification itself. Industries outside every group are never 规上."""
    group = scale_rules(on).group_for(industry or "")
    if group is None:
        return False
    if group.qualified:
        return qualified
    return revenue is not None and Decimal(revenue) >= group.revenue
