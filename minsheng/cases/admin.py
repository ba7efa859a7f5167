"""The case engine's registers in the admin: kinds and their time limits, the catalogue with
its questions and default departments. Cases themselves change only through the workbench
(the actions), so here they are read-only."""

from django.contrib import admin

from minsheng.core.admin import ChangesReferenceData
from minsheng.core.identity import mask_personal_text

from minsheng.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Category,
    CategoryDepartment,
    CategoryQuestion,
    Notification,
    PersonalDataView,
    State,
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
class CaseKindAdmin(ChangesReferenceData, admin.ModelAdmin):
    list_display = ["name", "code", "accept_days", "sign_days", "handle_days", "callback_days", "warn_share", "is_published"]
    list_editable = ["accept_days", "sign_days", "handle_days", "callback_days", "warn_share", "is_published"]

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
class CategoryAdmin(ChangesReferenceData, admin.ModelAdmin):
    list_display = ["name", "code", "parent", "sign_days", "handle_days", "is_active", "is_published", "order"]
    list_filter = ["is_active", "is_published", "parent"]
    search_fields = ["name", "code", "keywords"]
    inlines = [QuestionInline, RouteInline]


def _masked(case: Case, text: str) -> str:
    return mask_personal_text(text, names=(case.requester_name,))


def state_label(state: str) -> str:
    return State(state).label if state in State.values else (state or "—")


class EventInline(ReadOnly, admin.TabularInline):
    """The case's history, each row read as "2026-11-30 09:12 签收 · 黄鑫", kinds and states in Chinese."""

    model = CaseEvent
    fields = ["created_at", "kind_label", "actor", "department", "old_state_label", "new_state_label", "masked_note", "is_public"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "department", "case")

    @admin.display(description="事件")
    def kind_label(self, event):
        return event.kind_label

    @admin.display(description="原状态")
    def old_state_label(self, event):
        return state_label(event.old_state)

    @admin.display(description="新状态")
    def new_state_label(self, event):
        return state_label(event.new_state)

    @admin.display(description="说明")
    def masked_note(self, event):
        return _masked(event.case, event.note)


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    """Personal data stays with the staff handling the case (masked, logged reveals on the
    workbench): here free text is shown masked and is not searchable, numbers only."""

    list_display = ["number", "masked_title", "kind", "state", "lead_department", "due_at", "supervision_level", "created_at"]
    list_filter = ["state", "kind", "channel", "region", "supervision_level"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    inlines = [EventInline]
    fields = [
        "number", "region", "kind", "category", "request_type", "channel", "state", "masked_title", "masked_description",
        "lead_department", "created_at", "due_at", "due_provisional", "supervision_level", "result", "closed_at", "rating",
        "masked_public_summary", "masked_public_result",
    ]
    readonly_fields = fields

    @admin.display(description="标题")
    def masked_title(self, case):
        return _masked(case, case.title)

    @admin.display(description="诉求内容（已脱敏）")
    def masked_description(self, case):
        return _masked(case, case.description)

    @admin.display(description="公开摘要")
    def masked_public_summary(self, case):
        return _masked(case, case.public_summary)

    @admin.display(description="公开办理结果")
    def masked_public_result(self, case):
        return _masked(case, case.public_result)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "department", "issued_by", "issued_at", "response_due_at", "response_due_provisional", "responded_at"]
    list_filter = ["department__region"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin):
    """The outbox as an administrator may read it: query codes and phones masked, even in a
    message not yet sent."""

    list_display = ["created_at", "channel", "recipient_user", "masked_recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    fields = ["created_at", "channel", "recipient_user", "masked_recipient", "case", "subject", "masked_body", "status",
              "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields

    @admin.display(description="接收地址")
    def masked_recipient(self, notification):
        return notification.masked_recipient

    @admin.display(description="内容")
    def masked_body(self, notification):
        return notification.masked_body


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["viewed_at", "user", "case", "field", "via", "ip_address"]
    list_filter = ["field", "via"]
