"""Staff pages of the registry's import: upload a workbook (the job is queued for the worker),
follow the job (a progress bar the page polls every second with htmx, and a 刷新 link that does
the same without script), its row-by-row report and the report's download, the blank template.

Staff only. Only the keepers of a county's registry may upload; a job is seen by its uploader and
by the keepers of the city's registry, and reads as not found to anyone else."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.core.errors import ActionError
from minsheng.core.forms import apply_action_error, chosen
from minsheng.core.spreadsheets import download, workbook
from minsheng.enterprises.actions import imports
from minsheng.enterprises.models import ImportJob, ImportMode, ImportState, Industry, IndustryLevel
from minsheng.org.access import is_staff_member

RECENT_JOBS = 10


class ImportForm(forms.Form):
    file = forms.FileField(
        label="市场主体名录（.xlsx）", allow_empty_file=True,  # an empty file is refused by the action, by its name
        error_messages={"required": "请选择要导入的文件。", "invalid": "请选择要导入的文件。", "missing": "请选择要导入的文件。"},
        help_text=f"一行一户，第一行为列名（见导入模板）；按统一社会信用代码匹配：已建档的更新，未建档的新建。"
                  f"最大{imports.MAX_BYTES // 1048576} MB、{imports.MAX_ROWS:,}行。",
    )
    mode = forms.ChoiceField(
        label="导入方式", choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING, widget=forms.RadioSelect,
        error_messages=chosen("导入方式"),
        help_text="全部无误才导入：任何一行有误，整个文件都不导入。只导入无误的行：导入无误的行，有误的行列在报告中。",
    )


def _staff_only(request) -> None:
    if not is_staff_member(request.user):
        raise Http404("没有找到该页面。")


def _recent_jobs(user):
    jobs = ImportJob.objects.select_related("uploaded_by").defer("report")
    if not imports.keeps_city_registry(user):
        jobs = jobs.filter(uploaded_by=user)
    return list(jobs.order_by("-created_at", "-pk")[:RECENT_JOBS])


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _staff_only(request)
    if not imports.keeps_registry(request.user):
        return render(request, "enterprises/import.html", {
            "refused": "只有营商办的督办员或管理员可以导入市场主体名录。", "jobs": _recent_jobs(request.user)}, status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.do_queue_import(form.cleaned_data["file"], mode=form.cleaned_data["mode"], actor=request.user)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"已上传“{job.original_name}”，正在排队导入。")
            return redirect("enterprises:import-job", pk=job.pk)
    return render(request, "enterprises/import.html", {"form": form, "jobs": _recent_jobs(request.user)},
                  status=400 if form.errors else 200)


def _job_or_404(request, pk: int, *, with_report: bool = True) -> ImportJob:
    _staff_only(request)
    jobs = ImportJob.objects.select_related("uploaded_by")
    if not with_report:
        jobs = jobs.defer("report")  # the page polls every second: not the whole report each time
    job = jobs.filter(pk=pk).first()
    if job is None or not imports.may_see_job(request.user, job):
        raise Http404("没有找到该导入任务。")
    return job


def _phase(job: ImportJob) -> str:
    if job.state == ImportState.RUNNING:
        return "write" if job.message == imports.STEP_WRITE else "check"
    return job.state


def _progress_context(job: ImportJob, shown: str = "") -> dict:
    polling = job.state in (ImportState.QUEUED, ImportState.RUNNING)
    total = max(job.total_rows, job.processed_rows) if job.total_rows else 0  # 0: the number of rows is not known yet
    percent = job.processed_rows * 100 // total if total and job.state == ImportState.RUNNING else None
    phase = _phase(job)
    context = {"job": job, "polling": polling, "phase": phase, "percent": percent, "total": total,
               "phase_changed": bool(shown) and shown != phase}
    if not polling:
        context["report_rows"] = job.report[:imports.REPORT_SHOWN]
        context["report_more"] = len(job.report) > imports.REPORT_SHOWN
    return context


@login_required
@require_GET
def job_page(request, pk: int):
    job = _job_or_404(request, pk)
    return render(request, "enterprises/import_job.html", _progress_context(job))


@login_required
@require_GET
def job_progress(request, pk: int):
    """The job page's progress part, which the page polls (htmx) while the job is queued or
    running; once it is over, the part comes without the polling and with the outcome."""
    job = _job_or_404(request, pk, with_report=False)
    if job.state not in (ImportState.QUEUED, ImportState.RUNNING):
        job.refresh_from_db(fields=["report"])
    shown = request.GET.get("shown", "")[:20]
    response = render(request, "enterprises/_import_progress.html", _progress_context(job, shown))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_report(request, pk: int):
    job = _job_or_404(request, pk)
    rows = [["行号", "统一社会信用代码", "列", "问题"]]
    rows += [[entry.get("row"), entry.get("uscc", ""), entry.get("label", ""), entry.get("message", "")] for entry in job.report]
    return download(workbook([("逐行报告", rows)]), f"名录导入{job.pk}-逐行报告.xlsx")


@login_required
@require_GET
def template(request):
    """The blank workbook: the columns (required ones marked) with an example row, a sheet that
    documents each column, and the industry codes."""
    _staff_only(request)
    return download(template_workbook(), "市场主体名录导入模板.xlsx")


def template_workbook() -> bytes:
    columns = imports.COLUMNS
    entry = [[column.header + ("（必填）" if column.required else "") for column in columns],
             [column.example for column in columns]]
    notes = [["列名", "是否必填", "说明", "示例"]] + [
        [column.header, "必填" if column.required else "选填", column.note,
         column.example.isoformat() if hasattr(column.example, "isoformat")
         else "" if column.example is None else str(column.example)]
        for column in columns
    ]
    notes.append([])
    notes.append(["说明", "", "第一行为列名，列的顺序不限。选填的列可以删去：已建档的市场主体，删去的列保持原值；"
                            "保留的列中单元格留空的，该项改为空（所在县（市、区）留空的，已建档的不变，新建的按代码确定）。"
                            f"一次最多导入{imports.MAX_ROWS:,}行。", ""])
    industries = [["行业代码", "名称", "门类"]] + [
        [f"{industry.section}{industry.code}", industry.name, industry.section]
        for industry in Industry.objects.filter(level=IndustryLevel.CLASS).order_by("order")
    ]
    return workbook([("市场主体名录", entry), ("填写说明", notes), ("行业代码", industries)])
