"""The policies' section on the firm's own home page (registered in apps.py): the policies in
force where it is that it meets, and those it misses by one condition, with that condition."""

from minsheng.core import clock
from minsheng.policies import queries

SHOWN = 10


def firm_home(request, entity):
    today = clock.today()
    found = queries.policies_for(entity, today)
    met = [policy for policy, missing in found if not missing]
    near = [(policy, missing[0]) for policy, missing in found if len(missing) == 1]
    if not met and not near:
        return None
    return {"template": "policies/_firm_panel.html", "policies_met": met[:SHOWN], "policies_near": near[:SHOWN]}
