"""The GB/T 4754-2017 table (data/gbt4754_2017.csv) into the Industry model: the migration loads it
on every installation; a later edition is loaded the same way by a migration of its own."""

import csv
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"


def table_rows() -> list[dict]:
    with open(TABLE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_industries(industry_model) -> int:
    """Create or update every entry, parents first (the file is in the standard's order).
    Returns the number of entries. Takes the model, so a migration can pass its historical one.
    An empty table is filled level by level in four bulk inserts: every test database starts so."""
    rows = table_rows()
    sections = {}
    section = ""
    for row in rows:
        if row["level"] == "section":
            section = row["code"]
        sections[row["code"]] = section
    orders = {row["code"]: order for order, row in enumerate(rows, start=1)}
    if not industry_model.objects.exists():
        ids: dict[str, int] = {}
        for level in ("section", "division", "group", "class"):
            industry_model.objects.bulk_create(
                industry_model(code=row["code"], name=row["name"], level=level, parent_id=ids.get(row["parent"]),
                               section=sections[row["code"]], order=orders[row["code"]])
                for row in rows if row["level"] == level)
            ids.update(industry_model.objects.filter(level=level).values_list("code", "id"))
        return len(rows)
    by_code = {}
    for row in rows:
        industry, _ = industry_model.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "level": row["level"], "parent": by_code.get(row["parent"]),
            "section": sections[row["code"]], "order": orders[row["code"]],
        })
        by_code[row["code"]] = industry
    return len(rows)
