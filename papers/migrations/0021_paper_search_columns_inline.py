"""The columns a search checks on each row stay in the paper's row (STORAGE MAIN, compressed
in place): the two text columns and the filters' categories, topics and listings. A scan then
reads only the table's pages; PostgreSQL moves the abstract and the Chinese text out of line
instead. At a million papers the newest-first scan for several words read 6,457 buffers,
nearly all out of line (TOAST), and 392 after; with a date range, 9,286 and 560
(bench/notes.md).

It applies to rows written from now on. Rows stored before keep their layout until rewritten:
run `VACUUM FULL papers_paper` once (it locks the table for minutes at a million papers).
PostgreSQL only; SQLite has no such setting.
"""

from django.db import migrations

COLUMNS = ("search_vector", "search_zh", "categories", "published_topics", "published_listings")


def storage_set(storage: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for column in COLUMNS:
                schema_editor.execute(
                    f"ALTER TABLE papers_paper ALTER COLUMN {column} SET STORAGE {storage}"
                )

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0020_paper_search_vector_published'),
    ]

    operations = [
        migrations.RunPython(storage_set("MAIN"), storage_set("EXTENDED")),
    ]
