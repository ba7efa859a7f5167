import uuid

from django.db import migrations, models

import minsheng.pledges.models


def key_existing_evidence(apps, schema_editor):
    evidence = apps.get_model("pledges", "Evidence")
    for row in evidence.objects.filter(key__isnull=True).only("pk"):
        evidence.objects.filter(pk=row.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("pledges", "0002_alter_pledgeevent_created_at")]

    operations = [
        migrations.AddField(
            model_name="evidence", name="key", field=models.UUIDField(editable=False, null=True, verbose_name="链接标识")
        ),
        migrations.RunPython(key_existing_evidence, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="evidence",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="链接标识"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="file",
            field=models.FileField(upload_to=minsheng.pledges.models.evidence_path, verbose_name="文件"),
        ),
    ]
