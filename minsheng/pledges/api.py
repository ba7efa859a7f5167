from ninja import Router, Schema, Status

from minsheng.core.apitools import Error
from minsheng.core import clock
from minsheng.pledges import queries

router = Router(tags=["实事清单"])


class TallyOut(Schema):
    label: str
    key: str
    total: int
    done: int
    late: int
    done_percent: int


class BoardOut(Schema):
    year: int
    headline: str
    overall: TallyOut
    city: TallyOut
    county: TallyOut
    by_region: list[TallyOut]
    by_area: list[TallyOut]


def _tally(t) -> dict:
    return {"label": t.label, "key": t.key, "total": t.total, "done": t.done, "late": t.late, "done_percent": t.done_percent}


@router.get("/board", auth=None, response={200: BoardOut, 400: Error, 404: Error, 413: Error, 414: Error}, summary="实事清单进度榜（公开）")
def board(request, year: int | None = None):
    years = queries.board_years()
    if not years:
        return Status(404, {"detail": "尚未发布实事清单。", "field": None})
    if year is None:
        year = years[0]
    elif year not in years:
        return Status(404, {"detail": f"没有{year}年的实事清单。", "field": "year"})
    figures = queries.board_figures(year, clock.today())
    return {
        "year": figures.year,
        "headline": figures.headline,
        "overall": _tally(figures.overall),
        "city": _tally(figures.city),
        "county": _tally(figures.county),
        "by_region": [_tally(t) for t in figures.by_region],
        "by_area": [_tally(t) for t in figures.by_area],
    }
