"""The firm's side, logged in as on the enterprise pages: its visits (on its home page, through
panels.py) and the rating of one, once. Another firm's visit reads as not found."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error
from minsheng.enterprises.firm_session import firm_required
from minsheng.inspections import actions
from minsheng.inspections.forms import RatingForm
from minsheng.inspections.models import Filing, FilingRating, FilingState


@never_cache
@firm_required
@require_http_methods(["GET", "POST"])
def rate(request, pk: int):
    filing = (Filing.objects.select_related("department").filter(pk=pk, entity=request.firm,
                                                                   state__in=[FilingState.INSPECTED, FilingState.PUBLISHED])
              .first())
    if filing is None:
        raise Http404("没有找到该检查。")
    if FilingRating.objects.filter(filing=filing).exists():
        messages.info(request, "您已评价过这次检查，谢谢。")
        return redirect("enterprises:firm-home")
    form = RatingForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_rate_filing(filing, request.firm, score=data["score"], disturbed=data["disturbed"],
                                   comment=data["comment"])
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "评价已匿名提交，谢谢。")
            return redirect("enterprises:firm-home")
    return render(request, "inspections/firm_rate.html", {"filing": filing, "form": form})
