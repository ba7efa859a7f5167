"""The shared cache's table (settings.CACHES without REDIS_URL), created with the schema so
that `migrate` is the only set-up step. A deployment that moves from Redis to the database
cache later runs `python -m minsheng createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
