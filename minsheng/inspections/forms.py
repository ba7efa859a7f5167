"""The inspection pages' forms: they parse what people type; the actions decide."""

from django import forms

from minsheng.core.forms import BoundedDateField, chosen, required
from minsheng.inspections.models import (
    DrawState,
    FilingKind,
    Inspector,
    InspectionItem,
    Outcome,
    QuietException,
    SeedSource,
    ResultCode,
    ViolationType,
)

DATE_ERRORS = "格式不正确，请写成2026-12-04。"


def _date(label: str, **kwargs) -> BoundedDateField:
    return BoundedDateField(label=label, error_messages={**required(label), "invalid": f"{label}{DATE_ERRORS}"}, **kwargs)


class CheckForm(forms.Form):
    """What the firm types from the SMS, or reads off the code the inspectors show."""

    number = forms.CharField(label="检查编号", max_length=20, help_text="如 JC2026000123，见短信或执法人员出示的检查码。",
                             error_messages={**required("检查编号"), "max_length": "检查编号为JC加12位数字。"},
                             widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    code = forms.CharField(label="核验码", max_length=8, help_text="8位字母数字，见短信。",
                           error_messages={**required("核验码"), "max_length": "核验码为8位字母数字。"},
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))


class FilingForm(forms.Form):
    uscc = forms.CharField(label="检查对象（统一社会信用代码）", max_length=40,
                           error_messages={**required("检查对象的统一社会信用代码"), "max_length": "统一社会信用代码应为18位。"})
    kind = forms.ChoiceField(label="检查类型", choices=FilingKind.choices, widget=forms.RadioSelect, error_messages=chosen("检查类型"))
    trigger = forms.CharField(label="检查事由", max_length=300, help_text="如：年度检查计划、投诉举报编号、转办文号。",
                              error_messages={**required("检查事由"), "max_length": "检查事由不能超过300字。"})
    planned_on = _date("计划检查日期")
    items = forms.ModelMultipleChoiceField(label="检查事项", queryset=InspectionItem.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "请至少选择一项检查事项。",
                                                           "invalid_choice": "请从清单中选择检查事项。",
                                                           "invalid_pk_value": "请从清单中选择检查事项。"})
    inspectors = forms.ModelMultipleChoiceField(label="执法检查人员", queryset=Inspector.objects.none(),
                                                widget=forms.CheckboxSelectMultiple, help_text="至少2名，执法证在检查当日有效。",
                                                error_messages={"required": "请选择至少2名执法检查人员。",
                                                                "invalid_choice": "请从名录库中选择执法检查人员。",
                                                                "invalid_pk_value": "请从名录库中选择执法检查人员。"})
    draw = forms.ChoiceField(label="双随机抽查任务", choices=(), required=False, help_text="双随机抽查须选择。")
    quiet_exception = forms.ChoiceField(label="宁静生产日例外情形", choices=[("", "不涉及"), *QuietException.choices],
                                        required=False, help_text="计划日期是企业宁静生产日时，须属法定例外情形。")
    quiet_exception_note = forms.CharField(label="例外情形说明", max_length=300, required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, department, draws=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = InspectionItem.objects.filter(department=department, is_active=True)
        self.fields["inspectors"].queryset = Inspector.objects.filter(department=department).order_by("name")
        self.fields["draw"].choices = [("", "不涉及"), *((str(draw.pk), f"{draw.number} {draw.title}") for draw in draws
                                                          if draw.state == DrawState.DRAWN)]


class JoinForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        label="本部门检查事项", queryset=InspectionItem.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项检查事项。", "invalid_choice": "请从清单中选择检查事项。",
                        "invalid_pk_value": "请从清单中选择检查事项。"})
    inspectors = forms.ModelMultipleChoiceField(
        label="本部门执法检查人员", queryset=Inspector.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择至少2名执法检查人员。", "invalid_choice": "请从名录库中选择执法检查人员。",
                        "invalid_pk_value": "请从名录库中选择执法检查人员。"})

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = InspectionItem.objects.filter(department=department, is_active=True)
        self.fields["inspectors"].queryset = Inspector.objects.filter(department=department).order_by("name")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={**required("理由"), "max_length": "理由不能超过300字。"})


class ResultForm(forms.Form):
    inspected_on = _date("实际检查日期")
    result = forms.ChoiceField(label="检查结果", choices=ResultCode.choices, widget=forms.RadioSelect,
                               error_messages=chosen("检查结果"))
    findings = forms.CharField(label="检查情况", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="发现问题的，写明问题和整改要求；未发现问题的可不填。")


class DecisionForm(forms.Form):
    violation_type = forms.ModelChoiceField(label="违法行为", queryset=ViolationType.objects.none(),
                                            error_messages=chosen("违法行为"))
    offence_on = _date("违法行为发生日期")
    harm_minor = forms.BooleanField(label="危害后果轻微", required=False)
    corrected = forms.BooleanField(label="已及时改正", required=False)
    aggravating = forms.CharField(label="从重情节", max_length=300, required=False, help_text="没有的不填。")
    outcome = forms.ChoiceField(label="处理结果", choices=Outcome.choices, widget=forms.RadioSelect, error_messages=chosen("处理结果"))
    fine = forms.CharField(label="罚款金额（元）", max_length=20, required=False)
    correction_due = BoundedDateField(label="改正期限", required=False,
                                      error_messages={"invalid": f"改正期限{DATE_ERRORS}"}, help_text="不予处罚的，责令改正的期限。")
    departure_reason = forms.CharField(label="偏离系统认定的理由", max_length=2000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text="处理结果与系统认定不一致时必填，将报送督查部门。")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_type"].queryset = ViolationType.objects.filter(department__in=departments)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label="总体评价", coerce=int, widget=forms.RadioSelect,
                                   choices=[(5, "5分 非常满意"), (4, "4分 满意"), (3, "3分 一般"), (2, "2分 不满意"),
                                            (1, "1分 非常不满意")], error_messages=chosen("评分"))
    disturbed = forms.BooleanField(label="检查影响了正常生产经营", required=False)
    comment = forms.CharField(label="意见建议", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="评价匿名提交，检查部门只能看到汇总情况。")


class PlanDrawForm(forms.Form):
    title = forms.CharField(label="抽查任务名称", max_length=120, error_messages=required("抽查任务名称"),
                            help_text="如：2027年第一季度规上企业“双随机、一公开”抽查。")
    region = forms.ModelChoiceField(label="抽查范围", queryset=None, error_messages=chosen("抽查范围"))
    above_scale_only = forms.BooleanField(label="只抽规上企业", required=False)
    industry_prefix = forms.CharField(label="行业（门类字母或代码前缀）", max_length=4, required=False,
                                      help_text="不填为全部行业；如 C（制造业）、14（食品制造业）。")
    ratio_a = forms.CharField(label="A类抽查比例", max_length=10, initial="0.01", error_messages=required("A类抽查比例"))
    ratio_b = forms.CharField(label="B类抽查比例（含未分类）", max_length=10, initial="0.02", error_messages=required("B类抽查比例"))
    ratio_c = forms.CharField(label="C类抽查比例", max_length=10, initial="0.1", error_messages=required("C类抽查比例"))
    ratio_d = forms.CharField(label="D类抽查比例", max_length=10, initial="0.3", error_messages=required("D类抽查比例"))
    inspectors_per_target = forms.TypedChoiceField(label="每户执法人员数", coerce=int, choices=[(2, "2名"), (3, "3名"), (4, "4名")],
                                                   initial=2)
    items = forms.ModelMultipleChoiceField(label="抽查事项", queryset=InspectionItem.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "请至少选择一项抽查事项。",
                                                           "invalid_choice": "请从清单中选择抽查事项。",
                                                           "invalid_pk_value": "请从清单中选择抽查事项。"})
    seed_source = forms.ChoiceField(label="随机种子来源", choices=SeedSource.choices, widget=forms.RadioSelect,
                                    error_messages=chosen("随机种子来源"))
    seed_source_text = forms.CharField(label="种子来源说明", max_length=200, error_messages=required("种子来源说明"),
                                       help_text="公开来源写明哪一天哪一期的哪个公开数字；承诺种子写明何时公布。")
    seed_commitment = forms.CharField(label="种子哈希承诺（SHA-256）", max_length=64, required=False,
                                      help_text="选择承诺种子时必填：种子的SHA-256（64位十六进制），种子本身抽取时才公布。")

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        from minsheng.org.models import Region
        self.fields["region"].queryset = Region.objects.filter(code__startswith=department.region.code_prefix,
                                                               level__in=["city", "county"]).order_by("code")
        self.fields["region"].initial = department.region.pk
        self.fields["items"].queryset = InspectionItem.objects.filter(department=department, is_active=True)

    def ratios(self) -> dict:
        return {grade: self.cleaned_data[f"ratio_{grade.lower()}"] for grade in "ABCD"}


class RunDrawForm(forms.Form):
    seed = forms.CharField(label="随机种子", max_length=200, error_messages=required("随机种子"),
                           help_text="按事先公布的来源填写，如开奖号码“5 2 9”。")
    witnesses = forms.CharField(label="见证人", max_length=200, error_messages=required("见证人"),
                                help_text="如：县纪委监委 某某；企业代表 某某。")


class FilePicksForm(forms.Form):
    planned_on = _date("计划检查日期")


class TargetFilter(forms.Form):
    """The target library's filters (对象库): region, industry, size, 规上, credit class."""

    region = forms.ModelChoiceField(label="县（市、区）", queryset=None, required=False, empty_label="辖区全部")
    industry = forms.CharField(label="行业（门类字母或代码前缀）", max_length=4, required=False)
    size = forms.ChoiceField(label="规模", required=False, choices=())
    above_scale = forms.BooleanField(label="只看规上企业", required=False)
    grade = forms.ChoiceField(label="信用风险分类", required=False, choices=())

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        from minsheng.enterprises.models import SizeClass
        from minsheng.inspections.models import CreditGrade
        from minsheng.org.models import Region, RegionLevel
        self.fields["region"].queryset = Region.objects.filter(code__startswith=area.code_prefix,
                                                               level=RegionLevel.COUNTY).order_by("code")
        self.fields["size"].choices = [("", "全部"), *SizeClass.choices]
        self.fields["grade"].choices = [("", "全部"), *CreditGrade.choices, ("none", "未分类（按B类抽取）")]
