from django import forms
from django.contrib import admin, messages

from minsheng.core.errors import ActionError
from minsheng.pledges import actions
from minsheng.pledges.models import Evidence, FocusArea, Milestone, PledgeEvent, PledgeItem, PledgeList


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "description"]


@admin.register(PledgeList)
class PledgeListAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "region", "created_at"]
    list_filter = ["year", "region"]
    search_fields = ["title"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "completed_on"]
    readonly_fields = ["completed_on"]


class PledgeItemForm(forms.ModelForm):
    class Meta:
        model = PledgeItem
        fields = [
            "pledge_list",
            "parent",
            "number",
            "title",
            "description",
            "focus_area",
            "level",
            "region",
            "location",
            "latitude",
            "longitude",
            "lead_leader",
            "lead_department",
            "co_departments",
            "target",
            "start_date",
            "deadline",
            "weight",
        ]


@admin.register(PledgeItem)
class PledgeItemAdmin(admin.ModelAdmin):
    """Items are created and edited through the pledge actions, so every change lands on the
    item's timeline; progress is posted from the staff workbench, never typed here."""

    form = PledgeItemForm
    list_display = ["number", "title", "level", "region", "location", "lead_department", "deadline", "percent"]
    list_filter = ["pledge_list__year", "level", "focus_area", "region"]
    search_fields = ["title", "number", "lead_department__name"]
    readonly_fields = ["percent", "completed_on"]
    autocomplete_fields = []
    inlines = [MilestoneInline]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return ["pledge_list", "parent", "number", "percent", "completed_on"] if obj else ["percent", "completed_on"]

    def save_model(self, request, obj, form, change):
        self._saved = True
        try:
            if change:
                changes = {name: form.cleaned_data[name] for name in form.changed_data if name in actions.EDITABLE_FIELDS}
                co_departments = form.cleaned_data.get("co_departments") if "co_departments" in form.changed_data else None
                actions.do_edit_item(
                    obj, changes, actor=request.user, co_departments=list(co_departments) if co_departments is not None else None
                )
            else:
                data = form.cleaned_data
                draft = actions.ItemDraft(
                    number=data["number"],
                    title=data["title"],
                    focus_area=data["focus_area"],
                    level=data["level"],
                    region=data["region"],
                    location=data.get("location"),
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    lead_department=data["lead_department"],
                    start_date=data["start_date"],
                    deadline=data["deadline"],
                    description=data["description"],
                    lead_leader=data["lead_leader"],
                    target=data["target"],
                    weight=data["weight"],
                    parent_number=data["parent"].number if data.get("parent") else "",
                    co_departments=list(data["co_departments"]),
                )
                created = actions.do_create_item(data["pledge_list"], draft, actor=request.user)
                obj.pk = created.pk
        except ActionError as error:
            self._saved = False
            messages.error(request, f"未保存：{error.message}")

    def save_related(self, request, form, formsets, change):
        # co_departments went through the item's action; the milestone plan goes through its own.
        if not getattr(self, "_saved", True) or not form.instance.pk:
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        for formset in formsets:
            # The admin's change message reads these; the formset's own saving would have set them.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            planned = [
                (row["due_date"], row["title"])
                for row in formset.cleaned_data
                if row and not row.get("DELETE") and not (row.get("id") and row["id"].completed_on)
            ]
            try:
                actions.do_plan_milestones(form.instance, planned, actor=request.user)
            except ActionError as error:
                messages.error(request, f"节点未保存：{error.message}")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    readonly_fields = ["file", "original_name", "content_type", "size"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PledgeEvent)
class PledgeEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "item", "kind", "percent", "actor", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["item__title", "note"]
    inlines = [EvidenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
