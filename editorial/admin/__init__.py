"""The editors' admin, one module per desk (Django imports this package as editorial.admin)."""

from django.contrib import admin

# Importing the modules registers their admins.
from editorial.admin import frontmatter, institutions, pages, papers, records, taxonomy  # noqa: F401

# The page's width goes to the lists and forms (the index and breadcrumbs still lead everywhere).
admin.site.enable_nav_sidebar = False
