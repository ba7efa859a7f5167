import re
import unicodedata
import uuid

from django import forms
from django.core.exceptions import ValidationError

from minsheng.cases.actions import CONTACT_METHODS
from minsheng.cases.catalogue import PROGRAMME_KINDS
from minsheng.cases.models import CaseKind, Category, Rating, RequestType, Result
from minsheng.core.forms import BoundedDateField, MultipleFileField, chosen, required
from minsheng.core.identity import normalize_mobile, normalize_resident_id, normalize_uscc
from minsheng.core.text import control_character_message, forbidden_character
from minsheng.core.uploads import EVIDENCE_EXTENSIONS
from minsheng.org.models import Department


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return str(category)


def leaf_categories():
    return Category.objects.filter(is_active=True, children__isnull=True).select_related("parent").order_by(
        "parent__order", "parent__code", "order", "code"
    )


# Fields that belong to one kind only; the page shows them when that kind is chosen.
KIND_ONLY_FIELDS = {
    "enterprise_name": "enterprise",
    "enterprise_uscc": "enterprise",
    "applied_for": "stuck-matter",
    "applied_on": "stuck-matter",
    "applied_where": "stuck-matter",
    "stuck_departments": "stuck-matter",
    "visits": "stuck-matter",
    "linked_case_number": "stuck-matter",
}


class IntakeFields(forms.Form):
    """The fields every channel asks; the action checks them again and has the last word."""

    kind = forms.ModelChoiceField(label="诉求类型", queryset=CaseKind.objects.exclude(code__in=PROGRAMME_KINDS),
                                  empty_label=None,
                                  widget=forms.RadioSelect, error_messages=chosen("诉求类型"))
    category = CategoryChoiceField(label="事项分类", queryset=Category.objects.none(), empty_label="请选择",
                                   error_messages=chosen("事项分类"))
    requester_name = forms.CharField(label="姓名", max_length=30, error_messages=required("姓名"),
                                     widget=forms.TextInput(attrs={"autocomplete": "name"}))
    requester_phone = forms.CharField(label="手机号码", max_length=20, error_messages=required("手机号码"),
                                      widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    requester_id_number = forms.CharField(label="身份证号", max_length=18, required=False,
                                          help_text="仅承办人员可查看完整号码。")
    enterprise_name = forms.CharField(label="企业名称", max_length=100, required=False)
    enterprise_uscc = forms.CharField(label="统一社会信用代码", max_length=18, required=False, help_text="企业诉求必填。")
    title = forms.CharField(label="标题", max_length=100, required=False, help_text="一句话概括；不填则取诉求内容第一句。")
    description = forms.CharField(label="诉求内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={**required("诉求内容"), "max_length": "诉求内容不能超过4000字。"})
    wants = forms.CharField(label="希望如何解决", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    address = forms.CharField(label="地点", max_length=200, required=False)
    applied_for = forms.CharField(label="原来申请办理的事项", max_length=200, required=False,
                                  help_text="办不成事反映必填，如：既有住宅加装电梯审批。")
    applied_on = BoundedDateField(label="原申请日期", required=False,
                                 error_messages={"invalid": "原申请日期格式不正确，请写成2026-09-01。"})
    applied_where = forms.CharField(label="原办理地点", max_length=200, required=False)
    stuck_departments = forms.ModelMultipleChoiceField(label="卡在哪个部门", queryset=Department.objects.none(), required=False,
                                                       error_messages={"invalid_choice": "请从列表中选择部门。"})
    visits = forms.IntegerField(label="跑了几次", min_value=0, max_value=99, required=False,
                                error_messages={"invalid": "跑了几次应为整数。", "min_value": "跑了几次不能小于0。", "max_value": "跑了几次不能超过99。"})
    linked_case_number = forms.CharField(label="关联原办件编号", max_length=30, required=False,
                                         help_text="原事项在本平台办理的，填其编号。")
    outside_reference = forms.CharField(label="外部办件编号", max_length=60, required=False)
    files = MultipleFileField(label="材料或照片", help_text=f"最多6个，每个不超过10 MB，支持{EVIDENCE_EXTENSIONS}。")
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        self.fields["stuck_departments"].queryset = departments if departments is not None else Department.objects.none()
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)
        self.kind_codes = {str(pk): code for pk, code in CaseKind.objects.values_list("pk", "code")}
        # The category's extra questions are drawn by the page's script: their problems go there.
        self.answer_errors: dict[str, str] = {}
        self.answers_message = ""

    def _checked(self, name: str, check) -> None:
        value = (self.cleaned_data.get(name) or "").strip()
        if value:
            try:
                self.cleaned_data[name] = check(value)
            except forms.ValidationError as error:
                self.add_error(name, error.messages[0])

    def clean(self):
        """Every missing or wrong answer at once, each on its own field (the action checks again,
        and would stop at the first)."""
        data = super().clean()
        self._checked("requester_phone", normalize_mobile)
        if "requester_id_number" in self.fields:
            self._checked("requester_id_number", normalize_resident_id)
        self._checked("enterprise_uscc", normalize_uscc)
        kind = data.get("kind")
        if kind is not None and kind.requires_uscc:
            if not (data.get("enterprise_name") or "").strip():
                self.add_error("enterprise_name", "企业诉求须填写企业名称。")
            if not (data.get("enterprise_uscc") or "").strip() and "enterprise_uscc" not in self.errors:
                self.add_error("enterprise_uscc", "企业诉求须填写统一社会信用代码。")
        if kind is not None and kind.is_stuck_matter:
            if not (data.get("applied_for") or "").strip():
                self.add_error("applied_for", "办不成事反映须填写原来申请办理的事项。")
            if not data.get("stuck_departments") and not (data.get("applied_where") or "").strip():
                if "stuck_departments" in self.fields:
                    self.add_error("stuck_departments", "请选择卡在哪个部门（或在“更多信息”里填写原办理地点）。")
                else:
                    self.add_error("applied_where", "办不成事反映须填写原办理地点：在哪个部门、哪个窗口办的。")
            if data.get("visits") is None and "visits" not in self.errors:
                self.add_error("visits", "办不成事反映须填写跑了几次。")
        category = data.get("category")
        if category is not None:
            for question in category.question_list:
                values = [v for v in self.data.getlist(f"answer_{question.code}") if v.strip()] if hasattr(
                    self.data, "getlist") else []
                if question.required and not values:
                    self.answer_errors[question.code] = f"请回答“{question.label}”。"
            if self.answer_errors:
                self.answers_message = f"请回答事项分类“{category.name}”的补充问题（已在问题下标出）。"
                self.add_error(None, self.answers_message)
        return data


class WindowIntakeForm(IntakeFields):
    # Asked of everyone at the counter; the rest sit under "more" so the usual walk-in takes a minute.
    essential = (
        "kind", "requester_name", "requester_phone", "applied_for", "category", "stuck_departments", "visits",
        "description", "wants", "proposed_department",
    )

    request_type = forms.ChoiceField(label="诉求性质", choices=[("", "—")] + RequestType.choices, required=False)
    proposed_department = forms.ModelChoiceField(label="建议承办部门", queryset=Department.objects.none(), required=False,
                                                 empty_label="请选择",
                                                 help_text="按事项分类自动带出，可修改。", error_messages=chosen("建议承办部门"))

    field_order = [
        "kind", "requester_name", "requester_phone", "requester_id_number", "applied_for", "category",
        "stuck_departments", "visits", "description", "wants", "proposed_department", "request_type", "applied_on",
        "applied_where", "enterprise_name", "enterprise_uscc", "title", "address", "linked_case_number",
        "outside_reference", "files",
    ]

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, departments=departments, **kwargs)
        self.fields["proposed_department"].queryset = departments if departments is not None else Department.objects.none()
        # The clerk types a visitor's details: the browser must not offer the clerk's own.
        for name in ("requester_name", "requester_phone", "requester_id_number"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        # 卡在哪个部门: the county's departments, then the city's (市本级), each sorted by name,
        # filtered as one types (intake.js); the field still accepts only these.
        groups: dict[str, list] = {}
        for department in departments if departments is not None else []:
            groups.setdefault(department.region.display_name, []).append((department.pk, department.name))
        stuck = self.fields["stuck_departments"]
        stuck.widget.choices = [(group, sorted(options, key=lambda option: option[1])) for group, options in groups.items()]
        stuck.widget.attrs.update({"size": "8", "data-filterable": "按名称筛选部门，如“住建”", "data-filter-label": "筛选部门"})
        stuck.help_text = "可多选：按住Ctrl（手机上直接点选）；在上面的框里输入部门名称的几个字可以筛选。"


class PublicIntakeForm(IntakeFields):
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    field_order = [
        "kind", "category", "title", "description", "wants", "address", "requester_name", "requester_phone",
        "enterprise_name", "enterprise_uscc", "applied_for", "applied_on", "applied_where", "visits", "files",
    ]

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, departments=departments, **kwargs)
        # A resident names where it stuck in words (原办理地点); the department list is for staff.
        for name in ("requester_id_number", "linked_case_number", "outside_reference", "stuck_departments"):
            del self.fields[name]
        self.fields["applied_where"].help_text = "办不成事反映必填：在哪个部门、哪个窗口办的。"


class TrackForm(forms.Form):
    """A case number and query code as people type them: copied from a text message, read off a
    slip and typed with a Chinese input method (full-width digits, －, —, spaces), or without
    the place name. cleaned_data["number"] is the number in its written form (湖口-2026-000123,
    or 2026-000123 without the place), with "place" and "year_serial" (2026-000123) beside it."""

    # 湖口-2026-000123: the region's short name, the year, the serial (at least six digits, see
    # intake._next_number). The place is letters only (no digit at its end), so 12026-000123
    # is never read as 1 + 2026-000123, nor 20261000000 as 2 + 0261-000000.
    NUMBER = re.compile(r"(?:(?P<place>\w{0,19}[^\W\d_])-?)?(?P<year>[0-9]{4})-?(?P<serial>[0-9]{6,10})")
    # Dashes that Unicode does not class as dash punctuation (Pd: ‐ ‑ ‒ – — ― ﹣ － …) but
    # people use as one. 一 (yi) is a letter and stays.
    OTHER_DASHES = "\u2212\u2043\u2796"

    number = forms.CharField(
        label="编号", max_length=40, error_messages=required("编号") | {"max_length": "编号太长了，请按受理回执或短信上的编号填写。"},
        help_text="受理回执或短信上的编号，如“湖口-2026-000123”；不带地区名称也可以。",
        widget=forms.TextInput(attrs={"placeholder": "如：湖口-2026-000123", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label="查询码", max_length=40,
        error_messages=required("查询码") | {"max_length": "查询码太长了，请按受理回执或短信上的查询码填写。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    @classmethod
    def normalise(cls, text: str) -> str:
        """NFKC (full-width digits, letters and － become ASCII), every dash a "-", and no
        whitespace (U+3000 included) or invisible formatting character (zero-width space, BOM)."""
        kept = []
        for character in unicodedata.normalize("NFKC", text):
            if character.isspace() or unicodedata.category(character) == "Cf":
                continue
            dash = unicodedata.category(character) == "Pd" or character in cls.OTHER_DASHES
            kept.append("-" if dash else character)
        return re.sub("-+", "-", "".join(kept)).strip("-")

    def _checked(self, name: str) -> str:
        value = self.cleaned_data[name]
        position = forbidden_character(value)
        if position is not None:
            raise ValidationError(control_character_message(self.fields[name].label, value, position), code="control")
        return self.normalise(value)

    def clean_number(self) -> str:
        number = self._checked("number")
        parts = self.NUMBER.fullmatch(number)
        if parts is None:
            raise ValidationError("编号格式不对，应是受理回执或短信上的编号，如“湖口-2026-000123”或“2026-000123”。", code="format")
        # Extra leading zeros (2026-0000123) name the same case: one written form, one counter.
        year_serial = f"{parts['year']}-{int(parts['serial']):06d}"
        self.cleaned_data["place"] = parts["place"] or ""
        self.cleaned_data["year_serial"] = year_serial
        return f"{parts['place']}-{year_serial}" if parts["place"] else year_serial

    def clean_code(self) -> str:
        code = self._checked("code").replace("-", "")
        if not code:
            raise ValidationError(self.fields["code"].error_messages["required"], code="required")
        if not code.isascii() or not code.isdigit():
            raise ValidationError("查询码只有数字，请按受理回执或短信上的查询码填写。", code="format")
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("理由"))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(forms.Form):
    note = forms.CharField(label="受理意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(label="承办部门", queryset=Department.objects.none(), empty_label="请选择",
                                        error_messages=chosen("承办部门"))
    co_departments = forms.ModelMultipleChoiceField(label="协办部门", queryset=Department.objects.none(), required=False,
                                                    error_messages={"invalid_choice": "请从列表中选择协办部门。"})
    note = forms.CharField(label="派单意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["co_departments"].queryset = departments


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退单理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("退单理由"))
    legal_basis = forms.CharField(label="职责或法律依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages=required("职责或法律依据"))


class NoteForm(forms.Form):
    text = forms.CharField(label="办理进展（内部）", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("办理进展"))
    public_text = forms.CharField(label="告知诉求人的内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="填写后诉求人可在查询页看到。")


class ContactForm(forms.Form):
    method = forms.ChoiceField(label="联系方式", choices=list(CONTACT_METHODS.items()), error_messages=chosen("联系方式"))
    summary = forms.CharField(label="沟通情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("沟通情况"))


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(label="延期（工作日）", min_value=1, max_value=30,
                              error_messages={**required("延期天数"), "invalid": "延期天数应为整数。", "min_value": "延期至少1个工作日。", "max_value": "延期最多30个工作日。"})
    reason = forms.CharField(label="延期理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("延期理由"))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审批意见", choices=[("approve", "同意"), ("refuse", "不同意")], widget=forms.RadioSelect,
                                 error_messages=chosen("审批意见"))
    new_due_date = BoundedDateField(label="新的期限", required=False,
                                   help_text="不填则按申请的工作日数顺延。", error_messages={"invalid": "新的期限格式不正确。"})
    note = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=Result.choices, widget=forms.RadioSelect, error_messages=chosen("办理结果"))
    text = forms.CharField(label="办理情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), error_messages=required("办理情况"))
    basis = forms.CharField(label="依据或原因", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="已解释说明：填写政策或法律依据；无法解决：写明原因及已做的工作。")


class RateForm(forms.Form):
    rating = forms.ChoiceField(label="评价", choices=Rating.choices, widget=forms.RadioSelect, error_messages=chosen("评价"))
    comment = forms.CharField(label="意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="不满意的，请说明原因。")


class SuperviseForm(forms.Form):
    requirement = forms.CharField(label="督办要求", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("督办要求"))
    response_days = forms.IntegerField(label="回复时限（工作日）", min_value=1, max_value=20, initial=3,
                                       error_messages={**required("回复时限"), "invalid": "回复时限应为整数。", "min_value": "回复时限至少1个工作日。", "max_value": "回复时限最多20个工作日。"})


class PublicTextForm(forms.Form):
    public_summary = forms.CharField(
        label="公开摘要", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公众通过开放接口看到的诉求内容；不填则发布诉求原文。手机号、身份证号、姓名等会自动脱敏。",
    )
    public_result = forms.CharField(
        label="公开办理结果", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公众看到的办理结果；不填则发布办结时填写的办理情况（同样自动脱敏）。",
    )


class AnswerNoticeForm(forms.Form):
    response = forms.CharField(label="回复内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("回复内容"))


class SearchForm(forms.Form):
    number = forms.CharField(label="编号", max_length=30, required=False)
    phone = forms.CharField(label="手机号码", max_length=20, required=False,
                            help_text="完整的11位号码；只查得到您经办的诉求，每次查询都会记录。")
    text = forms.CharField(label="关键词", max_length=50, required=False)
    category = forms.ModelChoiceField(label="事项分类", queryset=Category.objects.select_related("parent"), required=False)
    department = forms.ModelChoiceField(label="承办部门", queryset=Department.objects.none(), required=False)
    state = forms.ChoiceField(label="状态", required=False)
    date_from = BoundedDateField(label="登记日期从", required=False,
                                error_messages={"invalid": "登记日期格式不正确。"})
    date_to = BoundedDateField(label="登记日期至", required=False,
                              error_messages={"invalid": "登记日期格式不正确。"})

    def __init__(self, *args, departments, **kwargs):
        from minsheng.cases.models import State

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["state"].choices = [("", "全部")] + State.choices

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return data


class CaseMapForm(forms.Form):
    """The case map's filters. A value the page never offers is answered with the default, not
    an error: the filters are links as much as a form."""

    group = forms.ChoiceField(label="状态", required=False, choices=[
        ("", "全部"), ("open", "在办（含逾期）"), ("late", "逾期"), ("closed", "已办结")])
    days = forms.TypedChoiceField(label="登记时间", required=False, coerce=int, empty_value=90, choices=[
        ("30", "近30天"), ("90", "近90天"), ("365", "近一年")])
    mode = forms.ChoiceField(label="显示方式", required=False, choices=[
        ("points", "按状态标点"), ("grid", "聚集网格（看诉求集中在哪里）")])

    DEFAULTS = {"group": "", "days": 90, "mode": "points"}

    def __init__(self, data=None, **kwargs):
        super().__init__(data, initial=self.DEFAULTS, **kwargs)

    def choices(self) -> dict:
        """The filters as asked, each unknown or missing one at its default."""
        values = dict(self.DEFAULTS)
        if self.is_bound:
            self.is_valid()
            for name in values:
                value = self.cleaned_data.get(name)
                if value not in (None, ""):
                    values[name] = value
        return values
