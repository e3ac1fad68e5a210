"""What the papers' own first pages say: the front-matter list (state, reason, retry) and the
block on the paper page that puts the raw affiliation lines beside the matched institutions."""

from django.contrib import admin
from django.template.loader import render_to_string

from editorial import institutions as services
from papers.models import FrontMatter, Institution, Paper


def institutions_overview(paper: Paper) -> str:
    """HTML (autoescaped template): the front matter's state, reason, kind, URL and each
    author's affiliation lines as written, beside the paper's institutions with their source,
    country, Chinese name and its source, and the line each was read from."""
    links = paper.paper_institutions.select_related("institution").order_by("position")
    front_matter = FrontMatter.objects.filter(paper=paper).first()
    return render_to_string(
        "admin/papers/paper/institutions_overview.html",
        {
            "front_matter": front_matter,
            "links": links,
            "public_zh_sources": Institution.PUBLIC_ZH_SOURCES,
        },
    )


@admin.register(FrontMatter)
class FrontMatterAdmin(admin.ModelAdmin):
    """Read-only: the fetcher writes these rows; editors look and ask for a retry."""

    list_display = ["paper", "version", "state", "kind", "attempts", "next_attempt_at", "reason"]
    list_filter = ["state", "kind"]
    search_fields = ["paper__arxiv_id", "error", "url"]
    list_select_related = ["paper"]
    actions = ["retry"]
    fields = [
        "paper",
        "version",
        "state",
        "error",
        "kind",
        "url",
        "authors_lines",
        "text",
        "attempts",
        "next_attempt_at",
        "fetched_at",
        "content_sha256",
        "parser_version",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Each row's page is read-only; "change" is the list's retry action only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="原因 / reason")
    def reason(self, row):
        return row.error.splitlines()[0][:120] if row.error else ""

    @admin.display(description="作者与机构行 / authors and affiliation lines")
    def authors_lines(self, row):
        return render_to_string(
            "admin/papers/paper/front_matter_authors.html", {"front_matter": row}
        )

    @admin.action(
        description="重新获取（下次清扫）/ fetch again at the next sweep", permissions=["change"]
    )
    def retry(self, request, queryset):
        count = services.front_matter_retry(rows=queryset, user=request.user)
        self.message_user(request, f"已排队 {count} 篇 / {count} due again.")
