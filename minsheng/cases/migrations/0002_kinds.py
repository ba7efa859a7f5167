from django.db import migrations

from minsheng.cases.catalogue import KINDS


def create_kinds(apps, schema_editor):
    CaseKind = apps.get_model("cases", "CaseKind")
    for order, (code, name, description, accept, sign, handle, callback, share, uscc, stuck) in enumerate(KINDS, start=1):
        CaseKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "accept_days": accept,
                "sign_days": sign,
                "handle_days": handle,
                "callback_days": callback,
                "warn_share": share,
                "requires_uscc": uscc,
                "is_stuck_matter": stuck,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
