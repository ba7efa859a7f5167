from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from minsheng.core.admin import ChangesReferenceData
from minsheng.core.errors import ActionError
from minsheng.org import actions
from minsheng.org.models import ApiClient, CalendarDay, CalendarYear, Department, OrgEvent, Region, Role, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ChangesReferenceData, admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "is_supervision_office"]
    list_filter = ["region", "is_supervision_office"]
    search_fields = ["name", "short_name"]


class StaffForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)

    def clean(self):
        data = super().clean()
        if data.get("roles") and not data.get("department") and "department" in self.fields:
            self.add_error("department", "有角色的工作人员必须选择所属部门：角色只在所属部门的辖区内起作用。")
        return data


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffForm
    list_display = ["username", "full_name", "department", "title", "is_active"]
    list_filter = ["is_active", "department__region", "role_grants__role"]
    search_fields = ["username", "full_name", "department__name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "title", "phone", "email"]}),
        ("岗位", {"fields": ["department", "roles"]}),
        ("权限", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]

    actions = ["unlock_login", "reset_two_factor"]

    @admin.action(description="解除所选人员的登录锁定")
    @transaction.atomic  # all of them or none
    def unlock_login(self, request, queryset):
        try:
            cleared = sum(actions.do_unlock_login(user, actor=request.user) for user in queryset)
        except ActionError as error:
            transaction.set_rollback(True)
            messages.error(request, error.message)
            return
        messages.success(request, f"已解除{queryset.count()}人的登录锁定（清除失败记录{cleared}条）。")

    @admin.action(description="重置所选人员的两步验证（手机丢失或更换时）")
    @transaction.atomic  # all of them or none
    def reset_two_factor(self, request, queryset):
        try:
            for user in queryset:
                actions.do_reset_two_factor(user, actor=request.user)
        except ActionError as error:
            transaction.set_rollback(True)
            messages.error(request, error.message)
            return
        messages.success(request, f"已重置{queryset.count()}人的两步验证，下次登录时重新绑定。")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "roles" in form.cleaned_data:
            try:
                actions.do_set_roles(form.instance, set(form.cleaned_data["roles"]), actor=request.user)
            except ActionError as error:
                messages.error(request, error.message)


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label="节假日安排文件",
        help_text="国务院办公厅公布的一个年度的安排：CSV（日期,类型,名称）、JSON，或 holiday-cn 格式的 JSON（如 2027.json）。",
    )
    source = forms.CharField(label="依据", required=False, max_length=200, help_text="如：国办发明电〔2026〕X号；不填则取文件中的依据。")

    MAX_BYTES = 1024 * 1024


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Imported years, and above them every year the clock counts with where its days come
    from (the package's years, imported ones, provisional ones). Importing goes through the
    calendar action; the worker then re-counts provisional deadlines on the official days."""

    list_display = ["year", "source", "imported_at"]
    change_list_template = "admin/org/calendaryear/change_list.html"

    def get_urls(self):
        from django.urls import path

        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="org_calendaryear_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        from minsheng.org import workdays

        extra_context = {**(extra_context or {}), "calendar_years": workdays.year_sources()}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from minsheng.org.calendar_files import parse_schedule

        if not (request.user.is_superuser or request.user.has_role(Role.ADMINISTRATOR)):
            raise PermissionDenied
        form = CalendarImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > form.MAX_BYTES:
                    raise ActionError("文件超过1MB，一个年度的安排不会这么大，请检查文件。", field="file")
                try:
                    content = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise ActionError("文件应为UTF-8编码的CSV或JSON文本。", field="file") from None
                schedule = parse_schedule(content, upload.name or "")
                actions.do_import_calendar_year(
                    schedule.year, schedule.days, source=form.cleaned_data["source"] or schedule.source,
                    neighbouring=schedule.neighbouring, actor=request.user,
                )
            except ActionError as error:
                form.add_error("file", error.message)
            else:
                skipped = (
                    f"；同一通知中相邻年度的{len(schedule.neighbouring)}天已作为单日安排导入" if schedule.neighbouring else ""
                )
                messages.success(
                    request,
                    f"已导入{schedule.summary}{skipped}。"
                    "落在该年的暂定期限将由系统按正式日历自动调整。",
                )
                return redirect("admin:org_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "导入节假日安排",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/org/calendaryear/import.html", context)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working_day", "name"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Edits go through the calendar actions, so each writes its record and every deadline
    computed afterwards sees the change."""

    form = CalendarDayForm
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    actions = None

    def save_model(self, request, obj, form, change):
        saved = actions.do_set_calendar_day(
            obj.date, is_working_day=obj.is_working_day, name=obj.name, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.do_remove_calendar_day(obj, actor=request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj else []


@admin.register(OrgEvent)
class OrgEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "subject", "actor", "note"]
    list_filter = ["kind"]


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "region", "channel", "requests_per_minute"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Keys are made by the action (which shows the key once) and revoked by it, never edited."""

    form = ApiClientForm
    list_display = ["name", "key_prefix", "region", "channel", "requests_per_minute", "is_active", "created_at", "revoked_at"]
    list_filter = ["is_active", "channel", "region"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "region", "channel", "requests_per_minute"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            client, key = actions.do_create_api_client(
                form.cleaned_data["name"],
                region=form.cleaned_data["region"],
                channel=form.cleaned_data["channel"],
                requests_per_minute=form.cleaned_data["requests_per_minute"],
                actor=request.user,
            )
        except ActionError as error:
            messages.error(request, error.message)
            return
        obj.pk = client.pk
        messages.warning(request, f"“{client.name}”的接口密钥（只显示这一次，请立即复制交给对方系统）：{key}")

    @admin.action(description="吊销所选密钥")
    def revoke(self, request, queryset):
        for client in queryset:
            actions.do_revoke_api_client(client, actor=request.user)
        messages.success(request, f"已吊销{queryset.count()}个密钥。")

    def has_delete_permission(self, request, obj=None):
        return False  # cases keep pointing at the system that filed them
