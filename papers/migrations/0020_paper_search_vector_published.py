"""`Paper.search_vector` is built for published papers only (NULL before publishing): search
finds nothing else, and building the vector was most of storing a new paper.

PostgreSQL cannot change a stored generated column's expression, so the column is dropped and
added again. Its GIN index is PostgreSQL-only (see 0003): dropped before, built after.
"""

import django.contrib.postgres.search
import papers.search_columns
from django.db import migrations, models

INDEX = "paper_search_vector_gin"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON papers_paper USING gin (search_vector)")


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0019_paper_published_unsubmitted'),
    ]

    operations = [
        migrations.RunPython(index_drop, index_create),
        migrations.RemoveField(model_name='paper', name='search_vector'),
        migrations.AddField(
            model_name='paper',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(published_last__isnull=False, then=papers.search_columns.EnglishSearchVector('title', 'abstract', 'authors_text', config='english')), output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.RunPython(index_create, index_drop),
    ]
