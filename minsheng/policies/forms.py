"""The policy pages' forms: they parse what people type into what the actions take; the actions
decide (conditions.check, benefits.check, the budget, the firm's facts)."""

import re
import uuid

from django import forms

from minsheng.core.forms import BoundedDateField, chosen, required
from minsheng.core.identity import normalize_mobile
from minsheng.policies import conditions
from minsheng.policies.models import BenefitKind, BenefitType, DataSource, Delivery, FigureField

CONDITION_ROWS = 8
DATE_ERRORS = "格式不正确，请写成2026-12-04。"
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
_RANGE_SEPARATORS = re.compile(r"\s*(?:-|~|～|至|到|,|，)\s*")


def _date(label: str, **kwargs) -> BoundedDateField:
    return BoundedDateField(label=label, error_messages={**required(label), "invalid": f"{label}{DATE_ERRORS}"}, **kwargs)


def _text(label: str, max_length: int, *, required_: bool = True, textarea: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required_,
                           error_messages={**required(label), "max_length": f"{label}不能超过{max_length}字。"},
                           widget=forms.Textarea(attrs={"rows": 3}) if textarea else None, **kwargs)


def field_choices() -> list[tuple[str, str]]:
    return [("", "（不设）")] + [(spec.name, spec.label) for spec in conditions.fields().values()]


def operator_choices() -> list[tuple[str, str]]:
    return [("", "—")] + list(conditions.OPERATOR_LABELS.items())


def period_choices() -> list[tuple[str, str]]:
    return [("", "—")] + list(conditions.PERIODS.items())


def condition_value(field: str, operator: str, text: str):
    """What the officer typed as a condition's value, in the shape conditions.check() takes: a
    list of options (their codes or names), 是/否, a number or a range "50-300", a material."""
    spec = conditions.fields().get(field)
    text = (text or "").strip()
    if spec is None:
        return text
    if spec.kind == "flag":
        return {"是": True, "否": False, "true": True, "false": False}.get(text.lower(), text)
    if spec.kind in ("region", "industry", "choice", "certification"):
        items = [item for item in _LIST_SEPARATORS.split(text) if item]
        by_label = {label: value for value, label in spec.choices}
        return [by_label.get(item, item) for item in items]
    if spec.kind == "material":
        return text
    if operator == "between":
        return [item for item in _RANGE_SEPARATORS.split(text, maxsplit=1) if item] if text else []
    return text


class PolicyForm(forms.Form):
    """A policy as its officer enters it: the guide, the benefit, and up to eight conditions."""

    title = _text("政策名称", 200)
    document_number = _text("文号", 60, help_text="如：九府办发〔2026〕12号")
    issued_on = _date("印发日期", help_text="印发后7个工作日内须在平台发布。")
    valid_from = _date("执行期起")
    valid_to = _date("执行期至", required=False)
    benefit_type = forms.ChoiceField(label="支持方式", choices=BenefitType.choices, error_messages=chosen("支持方式"))
    delivery = forms.ChoiceField(label="兑现方式", choices=Delivery.choices, widget=forms.RadioSelect,
                                 error_messages=chosen("兑现方式"),
                                 help_text="免申即享：条件都能由政府数据核验，符合条件的企业无需申请。")
    beneficiaries = _text("支持对象", 2000, textarea=True)
    amount_text = _text("支持标准", 2000, textarea=True, help_text="写给企业看的金额和标准。")
    benefit_kind = forms.ChoiceField(label="计算方式", choices=BenefitKind.choices, error_messages=chosen("计算方式"))
    amount = forms.CharField(label="定额（元）", max_length=20, required=False)
    rate = forms.CharField(label="比例（%）", max_length=20, required=False)
    base_field = forms.ChoiceField(label="计算基数", choices=[("", "—")] + FigureField.choices, required=False,
                                   help_text="按比例或分档时，取企业上一年度的这项数据。")
    tiers = forms.CharField(label="分档", max_length=500, required=False,
                            help_text="每行一档：基数下限 金额，如“5000 100000”。")
    floor = forms.CharField(label="最低（元）", max_length=20, required=False)
    cap = forms.CharField(label="最高（元）", max_length=20, required=False)
    budget = forms.CharField(label="预算（元）", max_length=20, error_messages=required("预算"))
    payment_days = forms.IntegerField(label="兑现时限（工作日）", min_value=1, max_value=120, initial=20,
                                      error_messages={**required("兑现时限"), "invalid": "兑现时限应为整数个工作日。",
                                                      "min_value": "兑现时限应为1到120个工作日。",
                                                      "max_value": "兑现时限应为1到120个工作日。"})
    exclusive_group = _text("不可重复享受组", 40, required_=False, help_text="同组政策同一企业同一年度只能享受一项。")
    document = forms.FileField(label="政策原文", required=False, help_text="PDF或Word（.docx），公开页面提供下载。")
    where_to_apply = _text("申报渠道", 200, required_=False)
    contact = _text("咨询电话", 60, required_=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"c{n}_field"] = forms.ChoiceField(label=f"条件{n}", choices=field_choices(), required=False)
            self.fields[f"c{n}_operator"] = forms.ChoiceField(label=f"条件{n}比较", choices=operator_choices(),
                                                              required=False)
            self.fields[f"c{n}_value"] = forms.CharField(label=f"条件{n}的值", max_length=300, required=False)
            self.fields[f"c{n}_period"] = forms.ChoiceField(label=f"条件{n}年度", choices=period_choices(), required=False)

    def condition_rows(self) -> list[dict]:
        data, rows = self.cleaned_data, []
        for n in range(1, CONDITION_ROWS + 1):
            field = data.get(f"c{n}_field") or ""
            if not field:
                continue
            operator = data.get(f"c{n}_operator") or ""
            rows.append({"field": field, "operator": operator,
                         "value": condition_value(field, operator, data.get(f"c{n}_value") or ""),
                         "period": data.get(f"c{n}_period") or ""})
        return rows

    def main_fields(self):
        """Every field but the condition rows, in order, for the template."""
        return [self[name] for name in self.fields if not re.match(r"c\d+_", name)]

    def condition_fields(self):
        """The rows of bound fields, for the template."""
        return [[self[f"c{n}_{part}"] for part in ("field", "operator", "value", "period")]
                for n in range(1, CONDITION_ROWS + 1)]

    def action_values(self) -> dict:
        data = self.cleaned_data
        tiers = [line.split() for line in (data["tiers"] or "").splitlines() if line.strip()]
        return {
            "title": data["title"], "document_number": data["document_number"], "issued_on": data["issued_on"],
            "valid_from": data["valid_from"], "valid_to": data["valid_to"], "benefit_type": data["benefit_type"],
            "delivery": data["delivery"], "beneficiaries": data["beneficiaries"], "amount_text": data["amount_text"],
            "budget": data["budget"], "conditions_rows": self.condition_rows(), "benefit_kind": data["benefit_kind"],
            "amount": data["amount"] or None, "rate": data["rate"] or None, "base_field": data["base_field"],
            "tiers": tiers, "floor": data["floor"] or 0, "cap": data["cap"] or None,
            "payment_days": data["payment_days"], "where_to_apply": data["where_to_apply"], "contact": data["contact"],
            "exclusive_group": data["exclusive_group"],
        }


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=50, required=False)
    region = forms.ChoiceField(label="地区", required=False)
    benefit_type = forms.ChoiceField(label="支持方式", choices=[("", "全部")] + BenefitType.choices, required=False)
    delivery = forms.ChoiceField(label="兑现方式", choices=[("", "全部")] + Delivery.choices, required=False)
    industry = forms.CharField(label="行业代码", max_length=4, required=False, help_text="门类字母或行业代码，如C、2922。")
    size_class = forms.ChoiceField(label="企业规模", required=False)

    def __init__(self, *args, regions=(), sizes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全市")] + [(str(region.pk), region.name) for region in regions]
        self.fields["size_class"].choices = [("", "全部")] + list(sizes)

    def clean_industry(self):
        value = (self.cleaned_data.get("industry") or "").strip().upper()
        if value and not (value.isascii() and ((len(value) == 1 and value.isalpha()) or (value.isdigit() and 2 <= len(value) <= 4))):
            raise forms.ValidationError("行业请填门类字母（如C）或2到4位行业代码（如2922）。")
        return value


class ApplyForm(forms.Form):
    """The firm's application: who applies (pre-filled from the registry), a statement, an
    explanation when a condition is not met, one file for each material the data cannot show."""

    applicant_name = _text("申报联系人", 30)
    applicant_phone = forms.CharField(label="联系人手机", max_length=20, error_messages=required("联系人手机"))
    statement = _text("申报说明", 2000, required_=False, textarea=True, help_text="选填：需要补充说明的情况。")
    explanation = _text("情况说明", 2000, required_=False, textarea=True,
                         help_text="贵企业有不符合的条件时必填：写明理由，由部门审核决定。")
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for position, name in enumerate(self.materials, start=1):
            self.fields[f"material_{position}"] = forms.FileField(
                label=f"证明材料：{name}", error_messages={"required": f"请上传证明材料：{name}。"},
                help_text="PDF、图片或Word，单个文件不超过10MB。")
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)

    def clean_applicant_phone(self):
        try:
            return normalize_mobile(self.cleaned_data["applicant_phone"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None

    def uploaded_materials(self) -> dict:
        return {position: self.cleaned_data.get(f"material_{position}")
                for position in range(1, len(self.materials) + 1) if self.cleaned_data.get(f"material_{position}")}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "审核通过"), ("reject", "不予兑现")],
                                 widget=forms.RadioSelect, error_messages=chosen("审核结果"))
    amount = forms.CharField(label="核定金额（元）", max_length=20, required=False,
                             help_text="留空按政策标准和企业数据测算。")
    note = _text("审核意见", 1000, required_=False, textarea=True, help_text="不予兑现的，须写明理由。")


class ReasonForm(forms.Form):
    reason = _text("理由", 300, textarea=True)


class PaidForm(forms.Form):
    paid_on = _date("拨付日期")


class FiguresImportForm(forms.Form):
    source = forms.ChoiceField(label="数据来源", choices=DataSource.choices, error_messages=chosen("数据来源"))
    file = forms.FileField(label="数据表（xlsx）", error_messages={"required": "请选择要导入的xlsx文件。"},
                           help_text="列：统一社会信用代码、年度、指标、数值。")
