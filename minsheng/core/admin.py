from django.db import transaction

from minsheng.core import reference


class ChangesReferenceData:
    """For the admin of registers every request reads (catalogue, kinds, regions): a change
    reaches every process within a second (core/reference.py)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(reference.changed)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(reference.changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(reference.changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(reference.changed)
