from django import forms
from django.utils import timezone

from minsheng.core.forms import BoundedDateField, MultipleFileField
from minsheng.core.uploads import EVIDENCE_EXTENSIONS
from minsheng.org.models import Region


class ProgressForm(forms.Form):
    happened_on = BoundedDateField(
        label="进展日期",
        error_messages={"required": "请填写进展日期。", "invalid": "进展日期格式不正确，请写成2026-06-30。"},
    )
    percent = forms.IntegerField(
        label="完成进度（%）",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "完成进度应为0到100之间的整数。",
            "min_value": "完成进度不能小于0。",
            "max_value": "完成进度不能大于100。",
        },
    )
    text = forms.CharField(
        label="进展情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写进展情况。", "max_length": "进展情况不能超过2000字。"},
    )
    files = MultipleFileField(
        label="佐证材料", help_text=f"可多选，单个文件不超过10 MB，支持{EVIDENCE_EXTENSIONS}。"
    )

    def __init__(self, *args, has_children: bool = False, current_percent: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = timezone.localdate()
        if has_children:
            del self.fields["percent"]
        else:
            self.fields["percent"].help_text = f"当前为{current_percent}%，只能持平或增加；不填则只报送文字进展。"


class MilestoneForm(forms.Form):
    """Tick a milestone off on the day it was really completed (today by default)."""

    milestone = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    completed_on = BoundedDateField(
        label="完成日期",
        error_messages={"required": "请填写完成日期。", "invalid": "完成日期格式不正确，请写成2026-06-30。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["completed_on"].initial = today
        self.fields["completed_on"].widget.attrs["max"] = today.isoformat()


class ImportForm(forms.Form):
    title = forms.CharField(label="清单名称", max_length=100, error_messages={"required": "请填写清单名称。"})
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写年度。", "invalid": "年度应为四位数字。", "min_value": "年度不正确。", "max_value": "年度不正确。"},
    )
    region = forms.ModelChoiceField(
        label="制定地区", queryset=Region.objects.none(), error_messages={"required": "请选择制定地区。", "invalid_choice": "请选择您所在地区。"}
    )
    file = forms.FileField(label="Excel文件（.xlsx）", error_messages={"required": "请选择要导入的Excel文件。"})

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["year"].initial = timezone.localdate().year
