"""The staff side: a department's head records a walk-through of one of the department's
services; the city's business-environment office imports a framework from its workbook. Each
POST calls one action; the forms only parse."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.forms import BoundedDateField, chosen, required
from minsheng.evaluation import actions, rules, xlsx
from minsheng.evaluation.models import ApplicantKind, ProblemKind, Scope, Service
from minsheng.org.access import is_staff_member
from minsheng.org.models import Role

STEP_ROWS = 8
PROBLEM_ROWS = 5


class WalkForm(forms.Form):
    service = forms.ModelChoiceField(label="体验的事项", queryset=Service.objects.none(), empty_label="请选择",
                                     error_messages=chosen("体验的事项"))
    walked_on = BoundedDateField(label="体验日期", error_messages={**required("体验日期"),
                                                               "invalid": "体验日期格式不正确，请写成2026-12-04。"})
    applicant_kind = forms.ChoiceField(label="以何种身份办理", choices=ApplicantKind.choices, widget=forms.RadioSelect,
                                       error_messages=chosen("办理身份"))
    summary = forms.CharField(label="体验情况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        for n in range(1, STEP_ROWS + 1):
            self.fields[f"s{n}_name"] = forms.CharField(label=f"环节{n}", max_length=100, required=False)
            self.fields[f"s{n}_minutes"] = forms.IntegerField(
                label=f"环节{n}用时（分钟）", required=False, min_value=1,
                error_messages={"invalid": f"环节{n}的用时应为整数分钟。", "min_value": f"环节{n}的用时应为正整数分钟。"})
            self.fields[f"s{n}_materials"] = forms.CharField(label=f"环节{n}索要的材料", max_length=500, required=False,
                                                             help_text="多份用顿号分开。")
        for n in range(1, PROBLEM_ROWS + 1):
            self.fields[f"p{n}_kind"] = forms.ChoiceField(label=f"问题{n}类型", choices=[("", "—")] + ProblemKind.choices,
                                                          required=False)
            self.fields[f"p{n}_description"] = forms.CharField(label=f"问题{n}", max_length=1000, required=False)
            self.fields[f"p{n}_deadline"] = BoundedDateField(label=f"问题{n}整改期限", required=False,
                                                             error_messages={"invalid": f"问题{n}的整改期限格式不正确。"})

    def main_fields(self):
        return [self[name] for name in ("service", "walked_on", "applicant_kind", "summary")]

    def step_rows(self):
        return [[self[f"s{n}_{part}"] for part in ("name", "minutes", "materials")] for n in range(1, STEP_ROWS + 1)]

    def problem_rows(self):
        return [[self[f"p{n}_{part}"] for part in ("kind", "description", "deadline")] for n in range(1, PROBLEM_ROWS + 1)]

    def steps(self) -> list[dict]:
        data, found = self.cleaned_data, []
        for n in range(1, STEP_ROWS + 1):
            name = (data.get(f"s{n}_name") or "").strip()
            if not name and data.get(f"s{n}_minutes") is None:
                continue
            materials = [item.strip() for item in (data.get(f"s{n}_materials") or "").replace(",", "、").replace("，", "、")
                         .split("、") if item.strip()]
            found.append({"name": name, "minutes": data.get(f"s{n}_minutes"), "materials": materials})
        return found

    def problems(self) -> list[dict]:
        data, found = self.cleaned_data, []
        for n in range(1, PROBLEM_ROWS + 1):
            if not (data.get(f"p{n}_description") or "").strip() and not data.get(f"p{n}_kind"):
                continue
            found.append({"kind": data.get(f"p{n}_kind") or "", "description": data.get(f"p{n}_description") or "",
                          "deadline": data.get(f"p{n}_deadline")})
        return found


def _walkable_services(user):
    """The services a user may walk: the head's own department's (a leader's: the region's)."""
    services = Service.objects.select_related("department")
    if user.has_role(Role.LEADER):
        from minsheng.org.access import in_jurisdiction_q

        return services.filter(in_jurisdiction_q(user, "department__region"))
    if user.has_role(Role.DEPARTMENT_HEAD):
        return services.filter(department=user.department_id)
    return services.none()


@login_required
@require_http_methods(["GET", "POST"])
def new_walkthrough(request):
    user = request.user
    if not is_staff_member(user):
        raise Http404("没有找到该页面。")
    services = _walkable_services(user)
    form = WalkForm(request.POST or None, services=services)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_walkthrough(data["service"], walked_on=data["walked_on"],
                                          applicant_kind=data["applicant_kind"], summary=data["summary"],
                                          steps=form.steps(), problems=form.problems(), actor=user)
        except (ActionError, NotAllowed) as error:
            form.add_error(None if getattr(error, "field", None) in (None, "steps", "problems") else error.field,
                           error.message)
        else:
            messages.success(request, "走流程记录已保存，发现的问题已列入整改清单。")
            return redirect("evaluation:walkthroughs")
    return render(request, "evaluation/walk_new.html", {"form": form, "has_services": services.exists()})


class FrameworkForm(forms.Form):
    name = forms.CharField(label="指标体系名称", max_length=100, error_messages=required("指标体系名称"))
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100,
                              error_messages={**required("评价年度"), "invalid": "评价年度应为四位数的年份。"})
    scope = forms.ChoiceField(label="层级", choices=Scope.choices, error_messages=chosen("层级"))
    issuer = forms.CharField(label="发布单位", max_length=100, error_messages=required("发布单位"))
    source = forms.CharField(label="来源", max_length=300, required=False)
    file = forms.FileField(label="指标体系（xlsx）", error_messages={"required": "请选择xlsx文件。"})


@login_required
@require_http_methods(["GET", "POST"])
def import_framework(request):
    user = request.user
    if not rules.may_keep_frameworks(user):
        raise Http404("没有找到该页面。")
    form = FrameworkForm(request.POST or None, request.FILES or None)
    problems = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            rows = xlsx.read_framework(data["file"].read())
            framework = actions.do_import_framework(rows, name=data["name"], year=data["year"], scope=data["scope"],
                                                    issuer=data["issuer"], source=data["source"], actor=user)
        except actions.FrameworkRefused as refused:
            form.add_error("file", refused.message)
            problems = [actions.problem_text(problem) for problem in refused.problems[:100]]
        except (ActionError, NotAllowed) as error:
            form.add_error(error.field if getattr(error, "field", None) in form.fields else "file", error.message)
        else:
            messages.success(request, f"已导入{framework}。")
            return redirect("evaluation:index")
    return render(request, "evaluation/framework_import.html", {"form": form, "problems": problems})


@login_required
def draft_reform_list(request):
    """The next reform list drafted from the gaps to the benchmarks, for the office to edit."""
    from django.http import HttpResponse

    from minsheng.core import clock
    from minsheng.evaluation import queries
    from minsheng.org.models import Region, RegionLevel

    if not rules.may_keep_frameworks(request.user):
        raise Http404("没有找到该页面。")
    framework = queries.latest_framework()
    city = Region.objects.filter(level=RegionLevel.CITY).first()
    periods = queries.periods(framework) if framework else []
    if framework is None or city is None or not periods:
        raise Http404("尚无可对标的测量值。")
    data = xlsx.draft_reform_workbook(framework, city, periods[-1], clock.today())
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="reform-draft.xlsx"'
    return response


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ServiceForm(forms.Form):
    name = forms.CharField(label="事项名称", max_length=100, error_messages=required("事项名称"))
    statutory_days = forms.IntegerField(label="法定时限（工作日）", required=False, min_value=0, max_value=365,
                                        error_messages={"invalid": "法定时限应为整数个工作日。"})
    promised_days = forms.IntegerField(label="承诺时限（工作日）", min_value=0, max_value=365,
                                       error_messages={**required("承诺时限"), "invalid": "承诺时限应为整数个工作日。"})
    steps = forms.CharField(label="办理环节", widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一个环节。",
                            error_messages=required("办理环节"))
    materials = forms.CharField(label="申请材料", widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                help_text="每行一份材料。")
    online = forms.BooleanField(label="可全程网办", required=False)
    reason = forms.CharField(label="调整原因", max_length=500, required=False, help_text="调整已登记的事项时必填。")


def _keepable_services(user):
    from minsheng.org.access import in_jurisdiction_q

    services = Service.objects.select_related("department")
    if user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR):
        return services.filter(in_jurisdiction_q(user, "department__region"))
    if user.has_role(Role.DEPARTMENT_HEAD):
        return services.filter(department=user.department_id)
    return services.none()


@login_required
@require_http_methods(["GET", "POST"])
def services(request, pk=None):
    """A department's services: registered by its head (or the office), changed with a reason;
    every change's before and after is in the event."""
    user = request.user
    if not is_staff_member(user):
        raise Http404("没有找到该页面。")
    keepable = _keepable_services(user)
    service = None
    if pk is not None:
        service = keepable.filter(pk=pk).first()
        if service is None:
            raise Http404("没有找到该事项。")
    initial = {}
    if service is not None:
        initial = {"name": service.name, "statutory_days": service.statutory_days, "promised_days": service.promised_days,
                   "steps": "\n".join(service.steps), "materials": "\n".join(service.materials), "online": service.online}
    form = ServiceForm(request.POST or None, initial=initial)
    if service is not None:
        form.fields["name"].disabled = True
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if service is None:
                actions.do_register_service(user.department, name=data["name"], promised_days=data["promised_days"],
                                            statutory_days=data["statutory_days"], steps=_lines(data["steps"]),
                                            materials=_lines(data["materials"]), online=data["online"], actor=user)
                messages.success(request, "事项已登记。")
            else:
                actions.do_update_service(service, promised_days=data["promised_days"],
                                          statutory_days=data["statutory_days"], steps=_lines(data["steps"]),
                                          materials=_lines(data["materials"]), online=data["online"],
                                          reason=data["reason"], actor=user)
                messages.success(request, "事项已调整，调整前后已记录。")
        except (ActionError, NotAllowed) as error:
            form.add_error(getattr(error, "field", None) if getattr(error, "field", None) in form.fields else None,
                           error.message)
        else:
            return redirect("evaluation:services")
    may_register = user.department is not None and rules.may_keep_services(user, user.department)
    return render(request, "evaluation/services.html", {
        "form": form, "service": service, "services": keepable.order_by("department__name", "name"),
        "may_register": may_register or service is not None,
    })
