import uuid

from django.db import migrations, models

import minsheng.cases.models


def unpublish_private_kinds(apps, schema_editor):
    # 办不成事 and enterprise cases name a person's or a firm's own affairs.
    apps.get_model("cases", "CaseKind").objects.filter(code__in=["stuck-matter", "enterprise"]).update(is_published=False)


def key_existing_attachments(apps, schema_editor):
    attachment = apps.get_model("cases", "CaseAttachment")
    for row in attachment.objects.filter(key__isnull=True).only("pk"):
        attachment.objects.filter(pk=row.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_alter_caseevent_case_alter_caseevent_department_and_more")]

    operations = [
        migrations.AddField(
            model_name="casekind",
            name="is_published",
            field=models.BooleanField(
                default=True, help_text="是否通过Open311等公开接口发布（个人信息已脱敏）。办不成事反映、企业诉求默认不公开。",
                verbose_name="对外公开",
            ),
        ),
        migrations.RunPython(unpublish_private_kinds, migrations.RunPython.noop),
        migrations.AddField(
            model_name="category",
            name="is_published",
            field=models.BooleanField(
                default=True, help_text="本分类的诉求是否通过Open311等公开接口发布；类型也须公开。", verbose_name="对外公开"
            ),
        ),
        migrations.AddField(
            model_name="case", name="public_summary", field=models.TextField(blank=True, verbose_name="公开摘要")
        ),
        migrations.AddField(
            model_name="case", name="public_result", field=models.TextField(blank=True, verbose_name="公开办理结果")
        ),
        migrations.AddField(
            model_name="personaldataview",
            name="via",
            field=models.CharField(
                choices=[("reveal", "显示完整信息"), ("search", "按手机号码查询")], default="reveal", max_length=10,
                verbose_name="方式",
            ),
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="key",
            field=models.UUIDField(editable=False, null=True, verbose_name="链接标识"),
        ),
        migrations.RunPython(key_existing_attachments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="caseattachment",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="链接标识"),
        ),
        migrations.AlterField(
            model_name="caseattachment",
            name="file",
            field=models.FileField(upload_to=minsheng.cases.models.attachment_path, verbose_name="文件"),
        ),
    ]
