"""Admins of what papers carry: aliases, authors, versions, listings (see also institutions.py)."""

from django.contrib import admin

from editorial.admin.base import EditorialAdmin
from papers.models import (
    Announcement,
    InstitutionAlias,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
)


@admin.register(InstitutionAlias)
class InstitutionAliasAdmin(EditorialAdmin):
    list_display = ["name", "institution"]
    search_fields = ["name", "institution__name"]
    autocomplete_fields = ["institution"]


@admin.register(PaperVersion)
class PaperVersionAdmin(EditorialAdmin):
    list_display = ["paper", "version", "submitted_at", "title_changed", "abstract_changed"]
    list_filter = ["title_changed", "abstract_changed"]
    search_fields = ["paper__arxiv_id", "title"]
    list_select_related = ["paper"]


@admin.register(Announcement)
class AnnouncementAdmin(EditorialAdmin):
    list_display = ["paper", "announce_date", "category", "announce_type", "version"]
    list_filter = ["announce_type", "announce_date", "category"]
    search_fields = ["paper__arxiv_id", "paper__title"]
    date_hierarchy = "announce_date"
    list_select_related = ["paper"]
    raw_id_fields = ["paper"]


@admin.register(PaperAuthor)
class PaperAuthorAdmin(EditorialAdmin):
    list_display = ["name", "paper", "position", "institution"]
    search_fields = ["name", "affiliation", "paper__arxiv_id"]
    list_filter = [("institution", admin.EmptyFieldListFilter)]
    raw_id_fields = ["paper", "institution"]


@admin.register(PaperInstitution)
class PaperInstitutionAdmin(EditorialAdmin):
    list_display = ["paper", "institution", "origin", "position"]
    list_filter = ["origin"]
    search_fields = ["paper__arxiv_id", "institution__name", "institution__name_zh"]
    raw_id_fields = ["paper", "institution"]
