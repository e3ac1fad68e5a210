"""JSON shapes of the public API (/api/v1/): what readers may see and nothing more."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from papers.models import Announcement, Paper, ZhState
from public.previews import AUTHORS_LINE_CHARS, AUTHORS_SHOWN, text_preview


class ErrorBody(Schema):
    code: str = Field(..., description="Stable machine-readable code, e.g. not_found.")
    message: str = Field(..., description="What was wrong, for people.")
    detail: list[dict] | dict | None = Field(None, description="Per-parameter errors, if any.")


class ErrorOut(Schema):
    """The one shape of every API error (400, 404, 405, 422, 429, 500, ...)."""

    error: ErrorBody


ERROR_RESPONSES = {404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class ZhOut(Schema):
    """Chinese text only once a person has passed it; otherwise null, and `state` says why."""

    text: str | None
    state: Literal[tuple(ZhState.values)]  # type: ignore[valid-type]


def zh_out(paper: Paper, field: str) -> dict:
    zh = paper.zh(field)
    return {"text": zh.public, "state": zh.state}


class SubtopicRef(Schema):
    slug: str
    name_zh: str
    name_en: str


class TopicRef(Schema):
    slug: str
    name_zh: str
    name_en: str


class SubtopicOut(SubtopicRef):
    description_zh: str
    description_en: str


class TopicOut(TopicRef):
    description_zh: str
    description_en: str
    categories: list[str]
    subtopics: list[SubtopicOut]


class AreaOut(Schema):
    slug: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    topics: list[TopicOut]


class ListingOut(Schema):
    """A topic page that published the paper: follow it to /topics/<slug>/<date>/."""

    topic: TopicRef
    subtopic: SubtopicRef | None
    announce_date: dt.date
    confidence: float
    reason: str = Field(..., description="Why the paper fits the topic (accepted by an editor).")

    @staticmethod
    def resolve_announce_date(hit) -> dt.date:
        return hit.published_on


class PaperBase(Schema):
    arxiv_id: str
    version: int
    title: str
    title_zh: ZhOut
    abstract: str
    abstract_zh: ZhOut
    summary_en: str
    summary_zh: ZhOut
    authors: list[str] = Field(
        ...,
        description=f"In lists, the first {AUTHORS_SHOWN} names (`author_count` says how many "
        "there are); the paper's detail, /api/v1/papers/{arxiv_id}, gives every one.",
    )
    author_count: int
    authors_text: str = Field(
        ...,
        description=f"arXiv's author line; in lists cut with … after {AUTHORS_LINE_CHARS} "
        "characters (the paper's detail gives it whole).",
    )
    primary_category: str
    categories: list[str]
    abs_url: str
    pdf_url: str

    @staticmethod
    def resolve_title_zh(paper) -> dict:
        return zh_out(paper, "title")

    @staticmethod
    def resolve_abstract_zh(paper) -> dict:
        return zh_out(paper, "abstract")

    @staticmethod
    def resolve_summary_zh(paper) -> dict:
        return zh_out(paper, "summary")

    @staticmethod
    def resolve_authors(paper) -> list[str]:
        return [author.name for author in paper.authors.all()[:AUTHORS_SHOWN]]

    @staticmethod
    def resolve_author_count(paper) -> int:
        return len(paper.authors.all())

    @staticmethod
    def resolve_authors_text(paper) -> str:
        return text_preview(paper.authors_text, AUTHORS_LINE_CHARS)


class PaperOut(PaperBase):
    last_published_on: dt.date = Field(..., description="Newest daily page listing the paper.")
    listings: list[ListingOut]

    @staticmethod
    def resolve_listings(paper) -> list:
        return paper.published_hits


class InstitutionOut(Schema):
    """An institution as the paper's card shows it (public.cards.institution_card)."""

    name: str = Field(..., description="English name; for an unmatched one, as the paper wrote it.")
    name_zh: str = Field(
        ..., description="Chinese name from ROR or an editor; empty when there is none yet."
    )
    ror_id: str | None = Field(
        ..., description="Research Organization Registry id: https://ror.org/<ror_id>."
    )
    country: str = Field(..., description="ISO 3166-1 alpha-2 code, e.g. CN; may be empty.")
    matched: bool = Field(
        ...,
        description="Matched to the registry or confirmed by an editor; false: only the "
        "paper's own words, with no Chinese name, country or id.",
    )


class AuthorOut(Schema):
    name: str
    affiliation: str


class VersionOut(Schema):
    version: int
    submitted_at: dt.datetime | None
    title_changed: bool
    abstract_changed: bool


class PaperDetailOut(PaperOut):
    """One paper as public.selectors.paper_detail_get reads it for the paper page too: its
    authors and institutions come from the page's card."""

    comments: str
    journal_ref: str
    doi: str
    license: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None
    author_details: list[AuthorOut]
    institutions: list[InstitutionOut]
    versions: list[VersionOut]

    @staticmethod
    def resolve_authors(paper) -> list[str]:
        return paper.card["author_names"]

    @staticmethod
    def resolve_author_count(paper) -> int:
        return len(paper.card["author_names"])

    @staticmethod
    def resolve_authors_text(paper) -> str:
        return paper.authors_text

    @staticmethod
    def resolve_author_details(paper) -> list[dict]:
        return paper.card["author_details"]

    @staticmethod
    def resolve_institutions(paper) -> list[dict]:
        return paper.card["institutions"]

    @staticmethod
    def resolve_versions(paper) -> list:
        return sorted(paper.versions.all(), key=lambda version: -version.version)


class DayPaperOut(PaperBase):
    """A paper as one topic's daily page lists it."""

    announce_type: Literal[tuple(Announcement.Type.values)]  # type: ignore[valid-type]
    listed_category: str
    confidence: float
    reason: str = Field(..., description="Why the paper fits the topic (accepted by an editor).")
    subtopic: SubtopicRef | None
    institutions: list[InstitutionOut]

    @staticmethod
    def resolve_authors(paper) -> list[str]:
        # topic_day_get fetches author names once for all its cards (no prefetch per paper).
        return paper.card["author_names"][:AUTHORS_SHOWN]

    @staticmethod
    def resolve_author_count(paper) -> int:
        return len(paper.card["author_names"])

    @staticmethod
    def resolve_institutions(paper) -> list[dict]:
        return paper.card["institutions"]

    @staticmethod
    def resolve_announce_type(paper) -> str:
        return paper.announcement.announce_type

    @staticmethod
    def resolve_listed_category(paper) -> str:
        return paper.announcement.category

    @staticmethod
    def resolve_confidence(paper) -> float:
        return paper.hit.confidence

    @staticmethod
    def resolve_reason(paper) -> str:
        return paper.hit.reason

    @staticmethod
    def resolve_subtopic(paper):
        return paper.hit.subtopic


class TopicDayOut(Schema):
    topic: TopicRef
    announce_date: dt.date
    note: str = Field(..., description="The editors' note for this page.")
    published_at: dt.datetime | None
    papers: list[DayPaperOut]


class TopicPageOut(Schema):
    announce_date: dt.date
    paper_count: int
    published_at: dt.datetime | None


class DayTopicOut(Schema):
    topic: TopicRef
    paper_count: int
    published_at: dt.datetime | None


class DayOut(Schema):
    announce_date: dt.date
    topics: list[DayTopicOut]


class DayTopicPapersOut(DayTopicOut):
    papers: list[DayPaperOut] = Field(..., description="All the page's papers, in its order.")


class LatestDayOut(Schema):
    """The newest published day as a whole: each topic's page with its papers."""

    announce_date: dt.date
    paper_count: int = Field(
        ..., description="Distinct papers of the day (a paper on two topics counts once)."
    )
    topics: list[DayTopicPapersOut]

    @staticmethod
    def resolve_paper_count(digest) -> int:
        return digest.total

    @staticmethod
    def resolve_topics(digest) -> list:
        return [topic for area in digest.areas for topic in area.topics]


class DaySummaryOut(Schema):
    announce_date: dt.date
    topic_count: int


class PageOut(Schema):
    count: int = Field(..., description="Items across all pages.")
    page: int
    page_size: int


class PaperPageOut(PageOut):
    items: list[PaperOut]


class DaySummaryPageOut(PageOut):
    items: list[DaySummaryOut]


class TopicPagePageOut(PageOut):
    items: list[TopicPageOut]
