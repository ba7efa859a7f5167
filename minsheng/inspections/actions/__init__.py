"""Every change to inspections: one function a verb, atomic, one event each.

lists.py keeps the lists (items, inspectors, credit classes, conflicts); draws.py runs the
double-random draws; filings.py files and carries out each visit; penalties.py decides on what
a visit found."""

from minsheng.inspections.actions._base import write_event  # noqa: F401
from minsheng.inspections.actions.draws import (  # noqa: F401
    Verification,
    do_cancel_draw,
    do_freeze_draw,
    do_plan_draw,
    do_run_draw,
    pool_of,
    recorded_picks,
    stored_pool,
    verify_draw,
)
from minsheng.inspections.actions.filings import (  # noqa: F401
    do_approve_filing,
    do_file_inspection,
    do_join_filing,
    do_publish_result,
    do_rate_filing,
    do_record_inspection,
    do_reject_filing,
    do_withdraw_filing,
    publication_overdue,
    sweep_publication,
)
from minsheng.inspections.actions.lists import (  # noqa: F401
    do_add_inspector,
    do_add_item,
    do_add_quiet_day_rule,
    do_declare_conflict,
    do_rate_credit,
    do_set_rules,
)
from minsheng.inspections.actions.penalties import (  # noqa: F401
    Assessment,
    do_add_exemption,
    do_add_violation_type,
    do_decide_penalty,
    eligibility,
)
