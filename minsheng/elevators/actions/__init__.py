"""Every change to the elevator programme: one function a verb, atomic, one event each."""

from minsheng.elevators.actions.applications import (  # noqa: F401
    do_advance_stage,
    do_file_application,
    do_link_case,
    do_publish_notice,
    do_reject_application,
    do_set_costs,
    do_withdraw_application,
    shares,
    stage_summary,
    subsidy_for,
)
from minsheng.elevators.actions.consultation import (  # noqa: F401
    do_close_objection,
    do_file_objection,
    do_mark_shaft_dwelling,
    do_record_mediation,
    do_record_vote,
)
from minsheng.elevators.actions.service import (  # noqa: F401
    do_record_service,
    do_set_maintenance,
    sweep_due_applications,
)
from minsheng.elevators.actions.register import (  # noqa: F401
    DwellingDraft,
    OwnerDraft,
    check_area,
    do_add_building,
    do_add_dwellings,
    do_create_estate,
    do_import_register,
)
from minsheng.elevators.actions.rulesets import do_save_rule_set  # noqa: F401,E402
from minsheng.elevators.actions.history import LedgerDwelling, LedgerRow, do_import_history  # noqa: F401
from minsheng.elevators.actions.faults import do_report_fault, fault_category, fault_choices  # noqa: F401,E402
