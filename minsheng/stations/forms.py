"""The station pages' forms: they parse what people type; the actions decide."""

import uuid

from django import forms

from minsheng.core.forms import BoundedDateField, chosen, required
from minsheng.stations.hours import WEEKDAYS
from minsheng.stations.models import Amenity, StationStatus

AMENITY_FILTERS = [Amenity.TOILET, Amenity.HOT_WATER, Amenity.MICROWAVE, Amenity.CHARGING, Amenity.REST,
                   Amenity.ACCESSIBLE_TOILET, Amenity.MEDICINE, Amenity.UMBRELLA, Amenity.WIFI, Amenity.BABY_CARE]


class FindForm(forms.Form):
    """The public finder: where I am (the phone's position, or a typed place), what I need."""

    lat = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    place = forms.CharField(label="我在哪里", required=False, max_length=60,
                            help_text="输入路名、小区或地标，如：花果园北路；或点“用我的位置”。",
                            widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}))
    amenity = forms.MultipleChoiceField(label="需要的设施", required=False, widget=forms.CheckboxSelectMultiple,
                                        choices=[(a.value, a.label) for a in AMENITY_FILTERS],
                                        error_messages=chosen("需要的设施"))
    open_now = forms.BooleanField(label="只看正在开放的", required=False)


class FeedbackForm(forms.Form):
    """A resident tells the operator what is wrong at a station: no account needed."""

    amenity = forms.ChoiceField(label="哪项设施", required=False, choices=(), error_messages=chosen("设施"))
    description = forms.CharField(label="具体情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="如：热水器坏了，没有热水。",
                                  error_messages={**required("具体情况"), "max_length": "具体情况不能超过1000字。"})
    requester_name = forms.CharField(label="姓名", max_length=30, error_messages=required("姓名"),
                                     widget=forms.TextInput(attrs={"autocomplete": "name"}))
    requester_phone = forms.CharField(label="手机号码", max_length=20, error_messages=required("手机号码"),
                                      help_text="只对运营单位的承办人员可见，用于告知处理结果。",
                                      widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, amenities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amenity"].choices = [("", "其他或整体")] + [(code, Amenity(code).label) for code in amenities]
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)


class StationForm(forms.Form):
    name = forms.CharField(label="驿站名称", max_length=60, error_messages=required("驿站名称"))
    region = forms.ChoiceField(label="所在区县", choices=(), error_messages=chosen("所在区县"))
    operator = forms.ChoiceField(label="运营单位", choices=(), error_messages=chosen("运营单位"))
    address = forms.CharField(label="地址", max_length=200, error_messages=required("地址"))
    latitude = forms.CharField(label="纬度", max_length=20, error_messages=required("纬度"),
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(label="经度", max_length=20, error_messages=required("经度"),
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    datum = forms.ChoiceField(label="坐标系", choices=[("wgs84", "WGS-84（GPS、天地图）"), ("gcj02", "GCJ-02（高德、腾讯地图）")],
                              initial="wgs84", error_messages=chosen("坐标系"))
    amenities = forms.MultipleChoiceField(label="设施", required=False, widget=forms.CheckboxSelectMultiple,
                                          choices=Amenity.choices, error_messages=chosen("设施"))
    phone = forms.CharField(label="服务电话", max_length=20, required=False)
    area_m2 = forms.CharField(label="面积（平方米）", max_length=10, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    opened_on = BoundedDateField(label="启用日期", required=False)
    description = forms.CharField(label="简介", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=(), operators=(), fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择")] + [(str(r.pk), r.name) for r in regions]
        self.fields["operator"].choices = [("", "请选择")] + [(str(d.pk), d.name) for d in operators]
        if fixed:  # the register's unit and district are set when it is registered
            del self.fields["region"], self.fields["operator"]




class HoursForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, word in enumerate(WEEKDAYS):
            self.fields[f"hours_{weekday}"] = forms.CharField(
                label=word, required=False, max_length=100,
                help_text="如：07:00-12:00，14:00-20:00；全天开放填“全天”；不开放填“休息”或留空。" if weekday == 0 else "")


class HolidayForm(forms.Form):
    date = forms.ChoiceField(label="节假日", choices=(), error_messages=chosen("节假日"))
    spans = forms.CharField(label="开放时间", required=False, max_length=100,
                            help_text="如：08:00-20:00；当天不开放请留空。")
    duty_staff = forms.CharField(label="值守人员", required=False, max_length=200)
    duty_phone = forms.CharField(label="值守电话", required=False, max_length=20)
    services = forms.CharField(label="值守服务", required=False, max_length=300,
                               initial="饮用水、医药箱、爱心雨伞、应急充电、旅游指南、免费Wi-Fi")

    def __init__(self, *args, holidays=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [("", "请选择")] + [
            (day.isoformat(), f"{day:%m月%d日} {WEEKDAYS[day.weekday()]} {name}") for day, name in holidays]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=StationStatus.choices, error_messages=chosen("状态"))
    note = forms.CharField(label="说明", required=False, max_length=200, help_text="暂停或撤销时请写明原因和预计恢复时间。")


class PhotoForm(forms.Form):
    photo = forms.FileField(label="照片", error_messages={"required": "请选择照片。"},
                            help_text="JPG或PNG，10 MB以内。")
    caption = forms.CharField(label="说明", required=False, max_length=60)


class VolunteerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, error_messages=required("姓名"))
    phone = forms.CharField(label="手机号码", max_length=20, error_messages=required("手机号码"))
    organisation = forms.CharField(label="所在单位或组织", required=False, max_length=60)
    duties = forms.CharField(label="服务内容", required=False, max_length=100)
    joined_on = BoundedDateField(label="加入日期", required=False)


class FixForm(forms.Form):
    note = forms.CharField(label="整改情况", max_length=300, error_messages=required("整改情况"))
    fixed_on = BoundedDateField(label="完成日期", required=False)


class StandardForm(forms.Form):
    name = forms.CharField(label="标准名称", max_length=60, error_messages=required("标准名称"),
                           help_text="如：九江市城市驿站“七个一”建设服务标准")
    issuer = forms.CharField(label="发布单位", max_length=60, required=False)
    items = forms.CharField(label="检查项", widget=forms.Textarea(attrs={"rows": 8}), error_messages=required("检查项"),
                            help_text="每行一项，按巡查时的顺序。")


class PlaceForm(forms.Form):
    name = forms.CharField(label="地名", max_length=60, error_messages=required("地名"), help_text="路名、地标或小区名")
    region = forms.ChoiceField(label="所在区县", choices=(), error_messages=chosen("所在区县"))
    latitude = forms.CharField(label="纬度", max_length=20, error_messages=required("纬度"))
    longitude = forms.CharField(label="经度", max_length=20, error_messages=required("经度"))
    datum = forms.ChoiceField(label="坐标系", choices=[("wgs84", "WGS-84（GPS、天地图）"), ("gcj02", "GCJ-02（高德、腾讯地图）")],
                              initial="wgs84", error_messages=chosen("坐标系"))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择")] + [(str(r.pk), r.name) for r in regions]
