"""Every change to the policy library, the figures, the deliveries and the applications: one
function a verb, atomic, one event. The library (library.py), the figures (figures.py), delivery
from match to payment (delivery.py), applications (applications.py)."""

from minsheng.policies.actions._base import ORDER_DAYS, PUBLICITY_DAYS, REVIEW_DAYS, write_event
from minsheng.policies.actions.applications import (
    NOTIFY_LIMIT,
    application_days,
    do_apply_for_policy,
    do_notify_candidates,
    do_review_application,
    fact_words,
)
from minsheng.policies.actions.delivery import (
    do_confirm_paid,
    do_confirm_payout,
    do_match_policy,
    do_object_payout,
    do_order_payout,
    do_publicize_payouts,
    do_reject_payout,
    do_rematch_firm,
    sweep_late_payouts,
)
from minsheng.policies.actions.figures import (
    FIGURE_COLUMNS,
    FIGURES_MAX_ROWS,
    FiguresRefused,
    do_import_figures,
    do_record_figure,
    figure_field_names,
    figure_problem_text,
)
from minsheng.policies.actions.library import PUBLISH_WITHIN_DAYS, check_conditions, do_create_policy, do_publish_policy

__all__ = [
    "FIGURES_MAX_ROWS",
    "FIGURE_COLUMNS",
    "NOTIFY_LIMIT",
    "ORDER_DAYS",
    "PUBLICITY_DAYS",
    "PUBLISH_WITHIN_DAYS",
    "REVIEW_DAYS",
    "FiguresRefused",
    "application_days",
    "check_conditions",
    "do_apply_for_policy",
    "do_confirm_paid",
    "do_confirm_payout",
    "do_create_policy",
    "do_import_figures",
    "do_match_policy",
    "do_notify_candidates",
    "do_object_payout",
    "do_order_payout",
    "do_publicize_payouts",
    "do_publish_policy",
    "do_record_figure",
    "do_reject_payout",
    "do_rematch_firm",
    "do_review_application",
    "fact_words",
    "figure_field_names",
    "figure_problem_text",
    "sweep_late_payouts",
    "write_event",
]
