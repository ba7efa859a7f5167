"""The GB/T 4754-2017 table shipped in data/ (with its 2019 amendment): every level complete, every
entry under a parent that exists, divisions in their sections' ranges, and the classes the size
and 规上 rules (data/size_rules.json) name are real classes."""

import csv
import json
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SECTION_DIVISIONS = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
                     "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
                     "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97)}


def rows():
    with open(DATA / "gbt4754_2017.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_four_levels_have_the_standards_counts():
    # 20 门类, 97 大类, 473 中类, 1,382 小类 (1,381 in 2017; 第1号修改单 split 923 in three).
    assert Counter(row["level"] for row in rows()) == {"section": 20, "division": 97, "group": 473, "class": 1382}


def test_every_entry_sits_under_its_parent_and_codes_are_unique():
    table = rows()
    codes = {row["code"]: row for row in table}
    assert len(codes) == len(table)
    for row in table:
        assert row["name"].strip() == row["name"] and row["name"]
        if row["level"] == "section":
            assert row["parent"] == ""
            continue
        parent = codes[row["parent"]]
        expected = {"division": "section", "group": "division", "class": "group"}[row["level"]]
        assert parent["level"] == expected
        if row["level"] != "division":
            assert row["code"].startswith(row["parent"]) and len(row["code"]) == len(row["parent"]) + 1


def test_divisions_lie_in_their_sections_ranges():
    for row in rows():
        if row["level"] == "division":
            low, high = SECTION_DIVISIONS[row["parent"]]
            assert low <= int(row["code"]) <= high, row


def test_the_size_rules_name_real_divisions_and_classes():
    codes = {row["code"] for row in rows()}
    rules = json.loads((DATA / "size_rules.json").read_text(encoding="utf-8"))
    named = [p for r in rules["size"] for s in r["sectors"] for p in s["prefixes"]]
    named += [p for r in rules["above_scale"] for g in r["groups"] for p in g["prefixes"]]
    for prefix in named:
        for code in (prefix.split("-") if "-" in prefix else [prefix]):
            assert code == "" or code in codes, prefix
    assert {"2922", "7010", "7020"} <= codes
