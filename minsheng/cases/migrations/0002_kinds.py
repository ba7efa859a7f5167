from django.db import migrations


def create_kinds(apps, schema_editor):
    from minsheng.cases.catalogue import create_kinds

    create_kinds(apps.get_model("cases", "CaseKind"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
