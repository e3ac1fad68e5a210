"""The editors' admin, one module per desk (Django imports this package as editorial.admin)."""

# Importing the modules registers their admins.
from editorial.admin import frontmatter, institutions, pages, papers, records, taxonomy  # noqa: F401
