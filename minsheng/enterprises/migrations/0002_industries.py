from django.db import migrations


def load(apps, schema_editor):
    from minsheng.enterprises.industries import load_industries

    load_industries(apps.get_model("enterprises", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
