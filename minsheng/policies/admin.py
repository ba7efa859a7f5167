"""The policy library, its figures and its deliveries in the admin, read only, in Chinese: a
policy is entered and published on its staff page, figures come by import, and every payout and
application step is an action with its event (views/staff.py)."""

from django.contrib import admin

from minsheng.policies.models import FirmFigure, Payout, Policy, PolicyApplication, PolicyCondition, PolicyEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConditionInline(admin.TabularInline):
    model = PolicyCondition
    fields = ("position", "text", "field", "operator", "value", "period", "verifiable")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnly):
    list_display = ("number", "title", "issuer", "region", "delivery", "state", "issued_on", "published_at")
    list_filter = ("state", "delivery", "benefit_type")
    search_fields = ("number", "title", "document_number")
    list_select_related = ("issuer", "region")
    inlines = [ConditionInline]


@admin.register(Payout)
class PayoutAdmin(ReadOnly):
    list_display = ("policy", "entity", "year", "amount", "state", "due_on", "paid_on")
    list_filter = ("state", "year")
    search_fields = ("entity__name", "entity__uscc", "policy__number")
    list_select_related = ("policy", "entity")
    raw_id_fields = ("policy", "entity")


@admin.register(PolicyApplication)
class PolicyApplicationAdmin(ReadOnly):
    list_display = ("case", "policy", "entity", "year", "created_at")
    search_fields = ("case__number", "entity__name", "policy__number")
    list_select_related = ("case", "policy", "entity")
    raw_id_fields = ("case", "policy", "entity", "payout")


@admin.register(FirmFigure)
class FirmFigureAdmin(ReadOnly):
    list_display = ("entity", "year", "field", "value", "source", "updated_at")
    list_filter = ("year", "field", "source")
    search_fields = ("entity__uscc",)
    list_select_related = ("entity",)
    raw_id_fields = ("entity",)


@admin.register(PolicyEvent)
class PolicyEventAdmin(ReadOnly):
    list_display = ("created_at", "kind", "actor", "policy", "entity", "note")
    list_filter = ("kind",)
    list_select_related = ("actor", "policy", "entity")
    raw_id_fields = ("policy", "entity", "payout", "application", "actor")
