"""The elevator pages' forms: they parse what people type; the actions decide."""

import uuid

from django import forms

from minsheng.core.forms import BoundedDateField, chosen, required
from minsheng.elevators.models import Choice, CostMethod, MediationLevel, ObjectionState
from minsheng.org.models import Region, RegionLevel


def money_field(label: str, *, required_: bool = True, help_text: str = "") -> forms.CharField:
    # Text, not DecimalField: the action reads amounts and says what is wrong with them.
    return forms.CharField(label=label, max_length=20, required=required_, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}), error_messages=required(label))


class LookupForm(forms.Form):
    """A resident finds their building's application: county, estate, building."""

    region = forms.ModelChoiceField(label="所在县（市、区）", queryset=Region.objects.none(), empty_label="请选择",
                                    error_messages=chosen("所在县（市、区）"))
    estate = forms.CharField(label="小区名称", max_length=60, error_messages=required("小区名称"),
                             widget=forms.TextInput(attrs={"autocomplete": "off"}), help_text="如：长运宿舍")
    building = forms.CharField(label="楼栋", max_length=20, error_messages=required("楼栋"),
                               widget=forms.TextInput(attrs={"autocomplete": "off"}), help_text="如：7栋")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")

    def clean_building(self):
        building = self.cleaned_data["building"].strip()
        # People type "7" or "7号楼" for "7栋".
        if building.isdigit():
            building += "栋"
        return building.replace("号楼", "栋")


class AdvanceForm(forms.Form):
    note = forms.CharField(label="办理意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_stage = forms.CharField(widget=forms.HiddenInput, required=False)


class VoteForm(forms.Form):
    dwelling = forms.ModelChoiceField(label="户", queryset=None, empty_label="请选择", error_messages=chosen("户"))
    voter = forms.ModelChoiceField(label="签字业主", queryset=None, required=False, empty_label="登记的表决业主",
                                   help_text="共有人中签字的一人；同一户只计一票。")
    area = forms.CharField(label="表决票上的专有部分面积（㎡）", max_length=12, error_messages=required("专有部分面积"),
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    choice = forms.ChoiceField(label="意见", choices=Choice.choices, widget=forms.RadioSelect, error_messages=chosen("意见"))
    cast_on = BoundedDateField(label="表决日期", error_messages={**required("表决日期"), "invalid": "表决日期格式不正确，请写成2026-03-02。"})

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        from minsheng.elevators.models import Owner

        voted = application.votes.values_list("dwelling_id", flat=True)
        self.fields["dwelling"].queryset = application.entrance.dwellings.exclude(pk__in=voted).order_by("floor", "number")
        self.fields["dwelling"].label_from_instance = lambda d: f"{d.number}室（{d.floor}层，{d.area}㎡）"
        self.fields["voter"].queryset = Owner.objects.filter(dwellings__entrance=application.entrance).distinct()


class ShaftForm(forms.Form):
    dwelling = forms.ModelChoiceField(label="专有部分被占用的户", queryset=None, empty_label="请选择", error_messages=chosen("户"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = application.entrance.dwellings.order_by("floor", "number")


class CostForm(forms.Form):
    estimated_cost = money_field("工程总造价（元）")
    subsidy = money_field("政府补贴（元）", required_=False, help_text="不填则按适用规则计算。")
    method = forms.ChoiceField(label="分摊方式", choices=CostMethod.choices, error_messages=chosen("分摊方式"))
    implementing_body = forms.CharField(label="实施主体", max_length=100, required=False,
                                        help_text="业主委托的单位或业主代表，如“长运宿舍7栋业主委员会”。")


class NoticeForm(forms.Form):
    text = forms.CharField(label="公示内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), error_messages=required("公示内容"))
    days = forms.IntegerField(label="公示期（日）", min_value=1, max_value=60,
                              error_messages={**required("公示期"), "invalid": "公示期应为整数。", "min_value": "公示期至少1日。",
                                              "max_value": "公示期不能超过60日。"})


class ObjectionForm(forms.Form):
    reason = forms.CharField(label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("异议内容"))
    dwelling = forms.ModelChoiceField(label="提出异议的户", queryset=None, required=False, empty_label="（非本单元业主或不愿透露）")
    filed_on = BoundedDateField(label="提出日期", error_messages={**required("提出日期"), "invalid": "提出日期格式不正确。"})

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = application.entrance.dwellings.order_by("floor", "number")


class MediationForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    held_on = BoundedDateField(label="调解日期", error_messages={**required("调解日期"), "invalid": "调解日期格式不正确。"})
    level = forms.ChoiceField(label="调解层级", choices=MediationLevel.choices, error_messages=chosen("调解层级"))
    mediator = forms.CharField(label="调解人", max_length=60, error_messages=required("调解人"))
    summary = forms.CharField(label="调解情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("调解情况"))
    agreed = forms.BooleanField(label="达成协议，异议化解", required=False)
    compensation = money_field("补偿金额（元）", required_=False)


class CloseObjectionForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.ChoiceField(label="结果", choices=[(ObjectionState.WITHDRAWN, "业主撤回异议"), (ObjectionState.UNRESOLVED, "未能化解")],
                              error_messages=chosen("结果"))
    outcome = forms.CharField(label="处理结果", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("处理结果"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由和依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("理由和依据"))


class LinkCaseForm(forms.Form):
    number = forms.CharField(label="诉求件编号", max_length=30, error_messages=required("诉求件编号"),
                             help_text="如：湖口-2026-000031")


class RegisterImportForm(forms.Form):
    file = forms.FileField(label="住户登记表（.xlsx）", error_messages={"required": "请选择要导入的文件。"},
                           help_text="一行一户；第一行为列名。任何一行有错，整个文件都不会导入。")


class FileApplicationForm(forms.Form):
    representatives = forms.ModelMultipleChoiceField(
        label="业主代表", queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text="本单元业主推选的代表，1至5人。", error_messages={"required": "请选择业主代表。", "invalid_choice": "请从本单元业主中选择。"})
    filed_on = BoundedDateField(label="申请日期", error_messages={**required("申请日期"), "invalid": "申请日期格式不正确，请写成2026-03-02。"})
    implementing_body = forms.CharField(label="实施主体", max_length=100, required=False,
                                        help_text="可在协议环节再确定。")

    def __init__(self, *args, entrance, **kwargs):
        super().__init__(*args, **kwargs)
        from minsheng.elevators.models import Owner

        owners = Owner.objects.filter(dwellings__entrance=entrance).distinct().order_by("pk")
        rooms: dict[int, list[str]] = {}
        for owner_id, number in entrance.dwellings.values_list("owners", "number"):
            rooms.setdefault(owner_id, []).append(number)
        self.fields["representatives"].queryset = owners
        self.fields["representatives"].label_from_instance = lambda owner: f"{owner.name}（{'、'.join(rooms.get(owner.pk, []))}室）"


class MaintenanceForm(forms.Form):
    contractor = forms.CharField(label="维保单位", max_length=100, error_messages=required("维保单位"))
    phone = forms.CharField(label="维保单位手机号码", max_length=20, error_messages=required("维保单位手机号码"),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                            help_text="到期维保和定期检验的提醒短信发到这个号码。")
    inspection_expires_on = BoundedDateField(label="定期检验有效期至", error_messages={
        **required("定期检验有效期"), "invalid": "定期检验有效期格式不正确，请写成2027-06-30。"})


class ServiceForm(forms.Form):
    serviced_on = BoundedDateField(label="维保日期", error_messages={**required("维保日期"), "invalid": "维保日期格式不正确。"})
    note = forms.CharField(label="维保情况", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FaultForm(forms.Form):
    """A resident reports a fault of the lift from its public page: no account needed."""

    fault = forms.ChoiceField(label="故障情况", choices=(), widget=forms.RadioSelect, error_messages=chosen("故障情况"))
    description = forms.CharField(label="具体情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="什么时候发现的、在哪一层、现在是否还能使用。",
                                  error_messages={**required("具体情况"), "max_length": "具体情况不能超过1000字。"})
    floor = forms.CharField(label="您住在几楼", max_length=10, required=False, help_text="如：7楼。便于维保人员联系。")
    requester_name = forms.CharField(label="姓名", max_length=30, error_messages=required("姓名"),
                                     widget=forms.TextInput(attrs={"autocomplete": "name"}))
    requester_phone = forms.CharField(label="手机号码", max_length=20, error_messages=required("手机号码"),
                                      help_text="只对承办人员可见，用于告知处理结果。",
                                      widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fault"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)
