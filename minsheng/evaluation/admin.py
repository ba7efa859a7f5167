"""The evaluation's records in the admin, read only, in Chinese: frameworks come by import,
measurements, benchmarks, services and walk-throughs through their actions (pages and API)."""

from django.contrib import admin

from minsheng.evaluation.models import (
    Benchmark,
    EvaluationEvent,
    Framework,
    Measurement,
    SecondIndicator,
    Service,
    WalkThrough,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnly):
    list_display = ("name", "year", "version", "scope", "issuer", "imported_at")


@admin.register(SecondIndicator)
class SecondIndicatorAdmin(ReadOnly):
    list_display = ("code", "name", "first", "unit", "direction", "weight")
    list_select_related = ("first",)
    search_fields = ("code", "name")


@admin.register(Measurement)
class MeasurementAdmin(ReadOnly):
    list_display = ("indicator", "region", "period", "value", "source", "recorded_at")
    list_filter = ("period",)
    list_select_related = ("indicator", "region")


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnly):
    list_display = ("first", "city", "practice_name", "value")
    list_select_related = ("first",)


@admin.register(Service)
class ServiceAdmin(ReadOnly):
    list_display = ("name", "department", "promised_days", "statutory_days", "online", "measure")
    list_select_related = ("department",)


@admin.register(WalkThrough)
class WalkThroughAdmin(ReadOnly):
    list_display = ("service", "walker", "walked_on", "applicant_kind")
    list_select_related = ("service", "walker")


@admin.register(EvaluationEvent)
class EvaluationEventAdmin(ReadOnly):
    list_display = ("created_at", "kind", "actor", "note")
    list_filter = ("kind",)
    list_select_related = ("actor",)
