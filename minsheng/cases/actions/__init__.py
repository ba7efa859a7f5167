"""Every change to a case. Views, the API, the admin and the worker call these and nothing else."""

from minsheng.cases.actions.calendar import (
    do_correct_provisional_due,
    do_correct_provisional_notice_due,
    do_remind_calendar_import,
    sweep_provisional_dues,
)
from minsheng.cases.actions.flow import (
    CONTACT_METHODS,
    do_accept_case,
    do_add_note,
    do_close_case,
    do_decide_extension,
    do_dispatch_case,
    do_rate_case,
    do_record_contact,
    do_reject_case,
    do_request_extension,
    do_return_case,
    do_sign_case,
    do_uphold_dispatch,
    do_withdraw_case,
)
from minsheng.cases.actions.intake import Intake, do_register_case, query_code_matches
from minsheng.cases.actions.notifications import send_pending
from minsheng.cases.actions.privacy import do_log_personal_data_view, do_log_phone_search
from minsheng.cases.actions.publication import do_edit_public_text, do_set_attachment_public
from minsheng.cases.actions.supervision import (
    do_answer_supervision_notice,
    do_issue_supervision_notice,
    process_due_case,
    sweep_due_cases,
)

__all__ = [
    "CONTACT_METHODS",
    "Intake",
    "do_accept_case",
    "do_add_note",
    "do_answer_supervision_notice",
    "do_close_case",
    "do_correct_provisional_due",
    "do_correct_provisional_notice_due",
    "do_decide_extension",
    "do_dispatch_case",
    "do_edit_public_text",
    "do_issue_supervision_notice",
    "do_log_personal_data_view",
    "do_log_phone_search",
    "do_rate_case",
    "do_record_contact",
    "do_register_case",
    "do_reject_case",
    "do_remind_calendar_import",
    "do_request_extension",
    "do_return_case",
    "do_set_attachment_public",
    "do_sign_case",
    "do_uphold_dispatch",
    "do_withdraw_case",
    "process_due_case",
    "query_code_matches",
    "send_pending",
    "sweep_due_cases",
    "sweep_provisional_dues",
]
