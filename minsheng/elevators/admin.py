from django.contrib import admin, messages

from minsheng.core.errors import ActionError
from minsheng.elevators import actions
from minsheng.elevators.models import Application, Estate, RuleSet, Target


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """The city's dated rules. Saved through the action: checked, and fixed once an application follows them."""

    list_display = ["name", "region", "effective_from", "document_number", "subsidy_fixed", "publicity_days"]
    list_filter = ["region"]

    def save_model(self, request, obj, form, change):
        # The refusal rides on the request: one admin instance serves every request at once.
        try:
            actions.do_save_rule_set(obj, actor=request.user)
        except ActionError as error:
            request.rule_set_refused = error.message

    def response_add(self, request, obj, post_url_continue=None):
        return self._respond(request, obj, super().response_add, post_url_continue)

    def response_change(self, request, obj):
        return self._respond(request, obj, super().response_change)

    def _respond(self, request, obj, default, *args):
        refused = getattr(request, "rule_set_refused", "")
        if refused:
            from django.http import HttpResponseRedirect

            self.message_user(request, f"未保存：{refused}", level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        return default(request, obj, *args)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "completed"]
    list_filter = ["year"]


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "street", "community", "year_built", "renovation_batch"]
    list_filter = ["region"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return False  # the register changes through its actions (the import and the pages)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "entrance", "stage", "filed_on", "due_at"]
    list_filter = ["stage", "region"]
    search_fields = ["number"]

    def has_change_permission(self, request, obj=None):
        return False  # the workflow runs on the staff pages

    def has_add_permission(self, request):
        return False
