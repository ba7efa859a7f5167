"""The inspection lists in the admin, in Chinese. New rows of the lists go through their actions
(checked, with their event); nothing is edited in place, and the visits, draws and decisions are
read here only: they change on their own pages, step by step."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from minsheng.core.errors import ActionError
from minsheng.inspections import actions
from minsheng.inspections.models import (
    Decision,
    Draw,
    Exemption,
    Filing,
    InspectionItem,
    InspectionRules,
    Inspector,
    QuietDayRule,
    ViolationType,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AddedThroughAction(admin.ModelAdmin):
    """Adding calls `add(request, obj)`, the list's action; a refusal shows on the form's page."""

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def add(self, request, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        # The refusal rides on the request: one admin instance serves every request at once.
        try:
            saved = self.add(request, obj)
        except ActionError as error:
            request.inspection_refused = error.message
        else:
            obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the action set what it needed

    def response_add(self, request, obj, post_url_continue=None):
        refused = getattr(request, "inspection_refused", "")
        if refused:
            self.message_user(request, f"未保存：{refused}", level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


@admin.register(InspectionItem)
class InspectionItemAdmin(AddedThroughAction):
    list_display = ["code", "name", "department", "method", "is_active"]
    list_filter = ["department__region", "is_active"]
    search_fields = ["code", "name"]

    def add(self, request, obj):
        return actions.do_add_item(obj.department, code=obj.code, name=obj.name, legal_basis=obj.legal_basis, scope=obj.scope,
                                   method=obj.method, rules_text=obj.rules, actor=request.user)


@admin.register(Inspector)
class InspectorAdmin(AddedThroughAction):
    list_display = ["name", "certificate_number", "department", "field", "valid_from", "valid_to"]
    list_filter = ["department__region"]
    search_fields = ["name", "certificate_number"]
    exclude = ["user"]

    def add(self, request, obj):
        return actions.do_add_inspector(obj.department, name=obj.name, certificate_number=obj.certificate_number,
                                        field=obj.field, valid_from=obj.valid_from, valid_to=obj.valid_to, actor=request.user)


@admin.register(QuietDayRule)
class QuietDayRuleAdmin(AddedThroughAction):
    list_display = ["region", "firm_group", "first_day", "last_day", "valid_from", "valid_to", "basis"]

    def add(self, request, obj):
        return actions.do_add_quiet_day_rule(obj.region, firm_group=obj.firm_group, first_day=obj.first_day,
                                             last_day=obj.last_day, valid_from=obj.valid_from, valid_to=obj.valid_to,
                                             basis=obj.basis, actor=request.user)


@admin.register(ViolationType)
class ViolationTypeAdmin(AddedThroughAction):
    list_display = ["code", "name", "department", "fine_min", "fine_max"]
    search_fields = ["code", "name"]

    def add(self, request, obj):
        return actions.do_add_violation_type(obj.department, code=obj.code, name=obj.name, legal_basis=obj.legal_basis,
                                             fine_min=obj.fine_min, fine_max=obj.fine_max, actor=request.user)


@admin.register(Exemption)
class ExemptionAdmin(AddedThroughAction):
    list_display = ["violation_type", "kind", "valid_from", "valid_to", "list_name"]

    def add(self, request, obj):
        return actions.do_add_exemption(obj.violation_type, kind=obj.kind, conditions=obj.conditions,
                                        exclusions=obj.exclusions, valid_from=obj.valid_from, valid_to=obj.valid_to,
                                        list_name=obj.list_name, actor=request.user)


@admin.register(InspectionRules)
class InspectionRulesAdmin(AddedThroughAction):
    list_display = ["region", "routine_notice_days", "routine_yearly_cap", "first_offence_window_years", "publish_within_days"]

    def has_change_permission(self, request, obj=None):
        return True  # the rules change, through their action

    def add(self, request, obj):
        return actions.do_set_rules(obj.region, routine_notice_days=obj.routine_notice_days,
                                    routine_yearly_cap=obj.routine_yearly_cap,
                                    first_offence_window_years=obj.first_offence_window_years,
                                    publish_within_days=obj.publish_within_days, actor=request.user)

    def response_change(self, request, obj):
        refused = getattr(request, "inspection_refused", "")
        if refused:
            self.message_user(request, f"未保存：{refused}", level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(Filing)
class FilingAdmin(ReadOnly):
    list_display = ["number", "entity", "department", "kind", "planned_on", "state", "publish_due", "published_on"]
    list_filter = ["state", "kind"]
    search_fields = ["number"]
    exclude = ["check_code"]


@admin.register(Draw)
class DrawAdmin(ReadOnly):
    list_display = ["number", "title", "department", "state", "pool_targets", "drawn_count", "drawn_at"]
    list_filter = ["state"]
    exclude = ["pool", "result"]


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ["entity", "violation_type", "offence_on", "eligibility", "outcome", "fine", "departs"]
    list_filter = ["eligibility", "outcome", "departs"]
