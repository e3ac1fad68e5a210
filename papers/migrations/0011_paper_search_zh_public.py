"""`Paper.search_zh` holds exactly the Chinese text readers may see (`Paper.zh(field).public`):
per field the effective text once reviewed, before that the editor's text only.

PostgreSQL cannot change a stored generated column's expression, so the column is dropped and
added again. Its pg_trgm GIN index is PostgreSQL-only (see 0003): dropped before, built after.
"""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

INDEX = "paper_search_zh_trgm"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON papers_paper USING gin (search_zh gin_trgm_ops)"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0010_run_task_id'),
    ]

    operations = [
        migrations.RunPython(index_drop, index_create),
        migrations.RemoveField(model_name='paper', name='search_zh'),
        migrations.AddField(
            model_name='paper',
            name='search_zh',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Concat(models.Case(models.When(then=django.db.models.functions.comparison.Coalesce(django.db.models.functions.comparison.NullIf('title_zh_human', models.Value('')), 'title_zh_machine', output_field=models.TextField()), zh_reviewed_at__isnull=False), default=models.F('title_zh_human'), output_field=models.TextField()), models.Value(' '), models.Case(models.When(then=django.db.models.functions.comparison.Coalesce(django.db.models.functions.comparison.NullIf('summary_zh_human', models.Value('')), 'summary_zh_machine', output_field=models.TextField()), zh_reviewed_at__isnull=False), default=models.F('summary_zh_human'), output_field=models.TextField()), models.Value(' '), models.Case(models.When(then=django.db.models.functions.comparison.Coalesce(django.db.models.functions.comparison.NullIf('abstract_zh_human', models.Value('')), 'abstract_zh_machine', output_field=models.TextField()), zh_reviewed_at__isnull=False), default=models.F('abstract_zh_human'), output_field=models.TextField()), output_field=models.TextField()), output_field=models.TextField()),
        ),
        migrations.RunPython(index_create, index_drop),
    ]
