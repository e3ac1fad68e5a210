"""Writes of many rows that keep django-simple-history's audit trail in fewer queries."""

from collections.abc import Sequence

from django.db.models import Model
from simple_history.utils import get_history_manager_for_model


def rows_update_with_history(*, rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Save `fields` of each of these rows (of one model), and their history rows in one INSERT.

    One UPDATE per row rather than simple_history's bulk_update_with_history: Django's
    bulk_update writes a CASE per column and row, which takes longer to build than these
    short UPDATEs take to run (600 papers: seconds against a fraction of one).
    """
    if not rows:
        return
    model = type(rows[0])
    for row in rows:
        values = {name: getattr(row, name) for name in fields}
        model._default_manager.filter(pk=row.pk).update(**values)
    get_history_manager_for_model(model).bulk_history_create(rows, update=True)
