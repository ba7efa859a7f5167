"""The stations' records in the admin, read only, in Chinese: every change goes through the
actions (the operator units' pages and the API), which write the events."""

from django.contrib import admin

from minsheng.stations.models import Inspection, Place, Problem, Standard, Station, StationEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(ReadOnly):
    list_display = ("name", "region", "address", "operator", "status")
    list_filter = ("status", "region")
    list_select_related = ("region", "operator")
    search_fields = ("name", "address")


@admin.register(Standard)
class StandardAdmin(ReadOnly):
    list_display = ("name", "issuer", "is_active")


@admin.register(Inspection)
class InspectionAdmin(ReadOnly):
    list_display = ("station", "standard", "inspector", "visited_on")
    list_select_related = ("station", "standard", "inspector")


@admin.register(Problem)
class ProblemAdmin(ReadOnly):
    list_display = ("station", "description", "deadline", "fixed_on")
    list_select_related = ("station",)


@admin.register(Place)
class PlaceAdmin(ReadOnly):
    list_display = ("name", "region", "latitude", "longitude")
    search_fields = ("name",)


@admin.register(StationEvent)
class StationEventAdmin(ReadOnly):
    list_display = ("created_at", "kind", "station", "actor", "note")
    list_select_related = ("station", "actor")
