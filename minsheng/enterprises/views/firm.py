"""The firms' own side, on a phone: log in with the 统一社会信用代码 and a code texted to the
registered contact phone, see the firm's helpers, raise a demand, follow it on the case's
public timeline, rate it once closed. Every page is the logged-in firm's own: another firm's
demand reads as not found."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.cases import queries as case_queries
from minsheng.cases.actions import do_rate_case
from minsheng.cases.forms import RateForm
from minsheng.cases.models import State
from minsheng.cases.views.common import summary_of, title_of
from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error, required
from minsheng.core.net import client_ip
from minsheng.core.text import parse_id
from minsheng.enterprises import forms as enterprise_forms
from minsheng.enterprises import panels
from minsheng.enterprises.actions.demands import demand_categories, do_raise_demand
from minsheng.enterprises.actions.firm_login import SENT, clean_uscc, do_send_login_code, do_verify_login_code
from minsheng.enterprises.firm_session import current_firm, firm_required, log_in_firm, log_out_firm, safe_next
from minsheng.enterprises.models import AssignmentMode, Demand
from minsheng.enterprises.queries import helpers_of

PENDING_KEY = "enterprise_firm_login"  # the code the browser is waiting for a code for
SLIP_KEY = "enterprise_firm_slip"  # a new demand's number and query code, shown once
PAGE_SIZE = 20


class FirmLoginForm(forms.Form):
    """What the firm's contact types; the action normalises and checks it (full-width characters,
    spaces and lower case are fine)."""

    uscc = forms.CharField(
        label="统一社会信用代码", max_length=40, help_text="营业执照上的18位代码。",
        error_messages={**required("统一社会信用代码"), "max_length": "统一社会信用代码应为18位，请按营业执照上的代码填写。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label="短信验证码", max_length=20, required=False, help_text="发送到本企业登记的联系人手机上的6位数字。",
        error_messages={"max_length": "验证码为短信中的6位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def mark_code_step(self) -> None:
        """Show the code as required on the code step. The form never requires it (asking for a
        new code needs none); the action does, when logging in."""
        self.fields["code"].required = True


def _masked_uscc(uscc: str) -> str:
    return f"{uscc[:4]}{'*' * (len(uscc) - 8)}{uscc[-4:]}" if len(uscc) > 8 else uscc


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    if current_firm(request) is not None:
        return redirect(safe_next(request, reverse("enterprises:firm-home")))
    if request.GET.get("restart"):
        request.session.pop(PENDING_KEY, None)
        return redirect("enterprises:firm-login")
    pending = request.session.get(PENDING_KEY)
    pending_uscc = pending.get("uscc", "") if isinstance(pending, dict) else ""
    form = FirmLoginForm(request.POST or None, initial={"uscc": pending_uscc})
    step = "code" if pending_uscc else "uscc"
    if form.is_bound:
        do = request.POST.get("do")
        if form.is_valid():
            address = client_ip(request)
            try:
                if do == "login":
                    entity = do_verify_login_code(form.cleaned_data["uscc"], form.cleaned_data["code"], client_address=address)
                    next_url = safe_next(request, reverse("enterprises:firm-home"))
                    request.session.pop(PENDING_KEY, None)
                    log_in_firm(request, entity)
                    return redirect(next_url)
                do_send_login_code(form.cleaned_data["uscc"], client_address=address)
                request.session[PENDING_KEY] = {"uscc": clean_uscc(form.cleaned_data["uscc"])}
                next_url = safe_next(request, "")
                return redirect(reverse("enterprises:firm-login") + (f"?{urlencode({'next': next_url})}" if next_url else ""))
            except ActionError as error:
                apply_action_error(form, error)
        if do == "login":
            step = "code"
    if step == "code":
        form.mark_code_step()
    return render(request, "enterprises/firm_login.html", {
        "form": form, "step": step, "sent": SENT if pending_uscc else "",
        "next": safe_next(request, ""),
    })


@never_cache
@require_POST
def logout(request):
    log_out_firm(request)
    messages.success(request, "已退出企业登录。")
    return redirect("enterprises:firm-login")


@never_cache
@firm_required
def home(request):
    firm = request.firm
    helpers = [{"name": helper.full_name or helper.username, "department": helper.department.name if helper.department else "",
                "mode": AssignmentMode(mode).label}
               for helper, mode in helpers_of(firm)]
    demands = Demand.objects.filter(entity=firm).select_related("case__category", "case__kind").order_by("-created_at", "-pk")
    page = Paginator(demands, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enterprises/firm_home.html", {
        "firm": firm, "masked_uscc": _masked_uscc(firm.uscc), "helpers": helpers, "page": page,
        "rows": [{"demand": d, "case": d.case, "title": title_of(d.case)} for d in page.object_list],
        "panels": panels.render_panels(panels.FIRM_HOME, request, firm),
    })


@never_cache
@firm_required
@require_http_methods(["GET", "POST"])
def new_demand(request):
    firm = request.firm
    form = enterprise_forms.DemandForm(request.POST or None, categories=demand_categories())
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            case, code = do_raise_demand(
                firm, category=data["category"], title=data["title"], description=data["description"], wants=data["wants"],
                from_firm=True, submission_token=data["submission_token"] or None, actor=None,
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            demand = Demand.objects.get(case=case)
            if code is not None:
                request.session[SLIP_KEY] = {"demand": demand.pk, "number": case.number, "code": code}
            return redirect("enterprises:firm-demand", pk=demand.pk)
    return render(request, "enterprises/firm_demand_new.html", {"firm": firm, "form": form})


def _own_demand(firm, pk) -> Demand:
    number = parse_id(str(pk))
    demand = (Demand.objects.select_related("case__kind", "case__category", "case__lead_department").filter(pk=number, entity=firm).first()
              if number is not None else None)
    if demand is None:
        raise Http404("没有找到这件诉求。")
    return demand


def _demand_page(request, demand: Demand, rate_form: RateForm | None = None, status: int = 200):
    case = demand.case
    slip = request.session.get(SLIP_KEY)
    if isinstance(slip, dict) and slip.get("demand") == demand.pk:
        request.session.pop(SLIP_KEY)
    else:
        slip = None
    return render(request, "enterprises/firm_demand.html", {
        "firm": request.firm, "demand": demand, "case": case, "slip": slip,
        "title": title_of(case), "summary": summary_of(case),
        "timeline": case_queries.public_timeline(case),
        "attachments": case.attachments.filter(is_public=True),
        "may_rate": case.state == State.CLOSED,
        "rate_form": rate_form or RateForm(prefix="rate"),
    }, status=status)


@never_cache
@firm_required
def demand_page(request, pk):
    return _demand_page(request, _own_demand(request.firm, pk))


@never_cache
@require_POST
@firm_required
def rate_demand(request, pk):
    demand = _own_demand(request.firm, pk)
    form = RateForm(request.POST, prefix="rate")
    if form.is_valid():
        try:
            do_rate_case(demand.case, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"],
                         actor=None, by_requester=True)
        except ActionError as error:
            if error.field not in form.fields:  # the state moved on (not closed, or rated already)
                messages.error(request, error.message)
                return redirect("enterprises:firm-demand", pk=demand.pk)
            apply_action_error(form, error)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("enterprises:firm-demand", pk=demand.pk)
    demand.case.refresh_from_db()
    return _demand_page(request, demand, rate_form=form)
