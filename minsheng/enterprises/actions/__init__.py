"""Every change to the enterprise registry and its help: one function a verb, atomic, one event each."""

from minsheng.enterprises.actions.demands import DEMAND_CATEGORIES, demand_categories, do_raise_demand  # noqa: F401
from minsheng.enterprises.actions.helpers import (  # noqa: F401
    do_add_to_grid,
    do_assign_grid,
    do_assign_one_to_one,
    do_create_grid,
    do_end_assignment,
    do_reassign_portfolio,
)
from minsheng.enterprises.actions.registry import (  # noqa: F401
    EntityDraft,
    clean_entity,
    do_add_certification,
    do_record_registry_export,
    do_register_entity,
    do_update_entity,
    draft_of,
    industry_for,
)
from minsheng.enterprises.actions.visits import do_record_visit  # noqa: F401
