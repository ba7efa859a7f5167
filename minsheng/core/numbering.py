"""Readable record numbers of a prefix and a year (SJ20260001, JC2026000001, ZC202600001): the
last one of the prefix plus one. Two writers may read the same last number at once; the column's
unique constraint refuses the second, which takes the next (create_numbered retries in a
savepoint, so the caller's transaction goes on)."""

from django.db import IntegrityError, transaction

ATTEMPTS = 5


def next_number(model, prefix: str, width: int, *, field: str = "number") -> str:
    last = (model.objects.filter(**{f"{field}__startswith": prefix}).order_by(f"-{field}")
            .values_list(field, flat=True).first())
    return f"{prefix}{(int(last[len(prefix):]) + 1) if last else 1:0{width}d}"


def create_numbered(model, prefix: str, width: int, *, field: str = "number", **values):
    """model.objects.create(**values) under the next number of `prefix`."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return model.objects.create(**{field: next_number(model, prefix, width, field=field)}, **values)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
