"""The expressions of Paper's stored search columns (GeneratedField); papers/models.py holds
the models themselves."""

from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, NullIf


class EnglishSearchVector(SearchVector):
    """English full-text vector; SQLite (`make run`) has none and searches by substring."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def zh_public_expression(field: str) -> Case:
    """`Paper.zh(field).public` as SQL, for the stored search column: the effective text (the
    editor's, else the machine's) once reviewed, before that the editor's text only ('' when
    none). It must follow `Paper.zh`; tests/papers/test_models.py compares the two."""
    human = NullIf(f"{field}_zh_human", Value(""))
    effective = Coalesce(human, f"{field}_zh_machine", output_field=models.TextField())
    return Case(
        When(zh_reviewed_at__isnull=False, then=effective),
        default=F(f"{field}_zh_human"),
        output_field=models.TextField(),
    )
