"""The enterprise pages' forms: they parse what people type; the actions decide."""

import uuid

from django import forms

from minsheng.core.forms import BoundedDateField, LongSelect, MultipleFileField, chosen, required
from minsheng.enterprises.models import AssignmentMode, CertificationKind, EntityKind, SizeClass, VisitKind
from minsheng.org.models import Region, RegionLevel, User


class RegistryFilter(forms.Form):
    q = forms.CharField(label="名称或统一社会信用代码", max_length=60, required=False)
    region = forms.ModelChoiceField(label="县（市、区）", queryset=Region.objects.none(), required=False, empty_label="全部")
    kind = forms.ChoiceField(label="主体类型", choices=[("", "全部"), *EntityKind.choices], required=False)
    size = forms.ChoiceField(label="规模", choices=[("", "全部"), *SizeClass.choices], required=False)
    scale = forms.ChoiceField(label="规上", choices=[("", "全部"), ("above", "规上"), ("key", "重点企业（规下）")],
                              required=False)
    help = forms.ChoiceField(label="帮扶", choices=[("", "全部"), ("uncovered", "暂无帮扶干部")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")


class CoverageForm(forms.Form):
    region = forms.ModelChoiceField(label="县（市、区）", queryset=Region.objects.none(), required=False, empty_label="全市")
    day = BoundedDateField(label="日期", required=False, error_messages={"invalid": "日期格式不正确，请写成2026-11-30。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")


class VisitForm(forms.Form):
    visited_on = BoundedDateField(label="走访日期", error_messages={**required("走访日期"),
                                                               "invalid": "走访日期格式不正确，请写成2026-11-30。"})
    kind = forms.ChoiceField(label="方式", choices=VisitKind.choices, widget=forms.RadioSelect, error_messages=chosen("方式"))
    summary = forms.CharField(label="走访情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="了解了什么、企业反映了什么、答应了什么。",
                              error_messages={**required("走访情况"), "max_length": "走访情况不能超过4000字。"})
    files = MultipleFileField(label="附件", required=False, help_text="照片或文件，最多6个，每个不超过10 MB。")


class DemandForm(forms.Form):
    category = forms.ChoiceField(label="诉求类别", choices=(), error_messages=chosen("诉求类别"))
    title = forms.CharField(label="标题", max_length=60, required=False, help_text="一句话说明，如：职工子女就近入学。")
    description = forms.CharField(label="诉求内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={**required("诉求内容"), "max_length": "诉求内容不能超过4000字。"})
    wants = forms.CharField(label="希望如何解决", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["category"].choices = [("", "请选择"), *((str(c.pk), c.name) for c in categories)]
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]


class AssignForm(forms.Form):
    helper = forms.ModelChoiceField(label="帮扶干部", queryset=User.objects.none(), empty_label="请选择",
                                    widget=LongSelect, error_messages=chosen("帮扶干部"))
    starts_on = BoundedDateField(label="起始日期", error_messages={**required("起始日期"),
                                                               "invalid": "起始日期格式不正确，请写成2026-11-30。"})
    visit_every_days = forms.IntegerField(label="走访周期（日）", min_value=1, max_value=366, initial=30,
                                          error_messages={**required("走访周期"), "min_value": "走访周期应为1至366天。",
                                                          "max_value": "走访周期应为1至366天。",
                                                          "invalid": "走访周期应为整数天数。"})

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = _staff_of([region, *region.children.all()])
        self.fields["helper"].label_from_instance = _staff_label


def _staff_of(regions):
    return (User.objects.filter(is_active=True, department__region__in=regions)
            .select_related("department").order_by("department__name", "username"))


def _staff_label(user) -> str:
    return f"{user.full_name or user.username}（{user.department.name}）"


class HandoverForm(forms.Form):
    """A helper leaves: everything they cover passes to one successor (do_reassign_portfolio)."""

    helper = forms.ModelChoiceField(label="调离的帮扶干部", queryset=User.objects.none(), empty_label="请选择",
                                    widget=LongSelect, error_messages=chosen("调离的帮扶干部"))
    to = forms.ModelChoiceField(label="接手的帮扶干部", queryset=User.objects.none(), empty_label="请选择",
                                widget=LongSelect, error_messages=chosen("接手的帮扶干部"))
    on = BoundedDateField(label="交接日期", help_text="从这一天起由接手的干部帮扶；原帮扶关系在前一天结束。",
                          error_messages={**required("交接日期"), "invalid": "交接日期格式不正确，请写成2026-11-30。"})
    reason = forms.CharField(label="原因", max_length=200, required=False, help_text="如：调离、退休、岗位调整。")

    def __init__(self, *args, regions, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers.select_related("department").order_by("department__name", "username")
        self.fields["to"].queryset = _staff_of(regions)
        for name in ("helper", "to"):
            self.fields[name].label_from_instance = _staff_label


class EndAssignmentForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = BoundedDateField(label="结束日期", error_messages={**required("结束日期"),
                                                             "invalid": "结束日期格式不正确，请写成2026-11-30。"})
    reason = forms.CharField(label="原因", max_length=200, required=False)


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label="认定类别", choices=[("", "请选择"), *CertificationKind.choices], error_messages=chosen("认定类别"))
    number = forms.CharField(label="证书编号", max_length=60, required=False)
    valid_from = BoundedDateField(label="有效期起", error_messages={**required("有效期起"),
                                                               "invalid": "日期格式不正确，请写成2026-11-30。"})
    valid_to = BoundedDateField(label="有效期至", required=False, error_messages={"invalid": "日期格式不正确，请写成2026-11-30。"})


MODES = dict(AssignmentMode.choices)
