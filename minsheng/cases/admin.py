"""The case engine's registers in the admin: kinds and their time limits, the catalogue with
its questions and default departments. Cases themselves change only through the workbench
(the actions), so here they are read-only."""

from django.contrib import admin

from minsheng.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Category,
    CategoryDepartment,
    CategoryQuestion,
    Notification,
    PersonalDataView,
    SupervisionNotice,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseKind)
class CaseKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "accept_days", "sign_days", "handle_days", "callback_days", "warn_share"]
    list_editable = ["accept_days", "sign_days", "handle_days", "callback_days", "warn_share"]

    def has_delete_permission(self, request, obj=None):
        return False  # cases keep their kind forever


class QuestionInline(admin.TabularInline):
    model = CategoryQuestion
    extra = 0


class RouteInline(admin.TabularInline):
    model = CategoryDepartment
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "sign_days", "handle_days", "is_active", "order"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "code", "keywords"]
    inlines = [QuestionInline, RouteInline]


class EventInline(ReadOnly, admin.TabularInline):
    model = CaseEvent
    fields = ["created_at", "kind", "actor", "department", "old_state", "new_state", "note", "is_public"]
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "title", "kind", "state", "lead_department", "due_at", "supervision_level", "created_at"]
    list_filter = ["state", "kind", "channel", "region", "supervision_level"]
    search_fields = ["number", "title"]
    date_hierarchy = "created_at"
    inlines = [EventInline]
    # Personal data stays with the staff handling the case (masked, logged reveals on the workbench).
    exclude = ["requester_name", "requester_phone", "requester_id_number", "requester_email", "query_code_hash", "submission_token"]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "department", "issued_by", "issued_at", "response_due_at", "responded_at"]
    list_filter = ["department__region"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient_user", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    exclude = ["recipient_address"]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["viewed_at", "user", "case", "field", "ip_address"]
    list_filter = ["field"]
