"""The editors' admin, one module per desk (Django imports this package as editorial.admin)."""

from editorial.admin import pages, papers, records  # noqa: F401  (they register the admins)
