"""Model instances from plain rows, and the rows a topic day reads (see topic_days_get).

Building hundreds of model instances through the ORM (select_related, one instance per row and
relation) was a fifth of an uncached topic day: rows are read with values_list, and only what
pages, the API and the preview need becomes an instance, by row_instance (what
Model.from_db builds, without Model.__init__).
"""

from dataclasses import dataclass

from django.db.models import Case, Model, Value, When
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from papers.models import ZH_FIELDS, Announcement, Paper
from topics.models import Subtopic, Topic

# What a public topic day loads of each paper (see topic_days_get); an editor's preview loads
# every column but the search ones.
PUBLIC_PAPER_COLUMNS = {
    "id",
    "arxiv_id",
    "version",
    "title",
    "abstract",
    "authors_text",
    "comments",
    "primary_category",
    "categories",
    "summary_en",
    "submitted_at",
    "zh_reviewed_at",
    *(
        f"{field}_zh_{kind}"
        for field in ZH_FIELDS
        for kind in ("machine", "human", "source_changed")
    ),
}
# A hit row, then its subtopic (SUBTOPIC_COLUMNS), then its paper (paper_columns_get).
HIT_COLUMNS = ("topic_id", "confidence", "reason", "origin", "position", "entry_count")


def row_instance(model: type[Model], db: str, attnames: list[str], values) -> Model:
    """What `model.from_db(db, attnames, values)` returns (a stored instance with those
    columns loaded, the others deferred), a seventh of the cost: Model.__init__ checks and
    sets each field one at a time (17 µs for a paper's 21 columns, 2.5 µs so, the signal
    check included), which hundreds of rows a page pay. A model whose instances signals
    watch goes through from_db.
    """
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(db, attnames, values)
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, db
    return instance


def attnames(model, wanted) -> list[str]:
    """`wanted` columns of `model` in the model's order, as Model.from_db reads values."""
    return [field.attname for field in model._meta.concrete_fields if field.attname in wanted]


SUBTOPIC_COLUMNS = attnames(Subtopic, {"id", "topic_id", "slug", "name_zh", "name_en"})
LISTING_COLUMNS = attnames(
    Announcement, {"id", "paper_id", "announce_date", "category", "announce_type", "version"}
)
# A paper listed in several categories on one day shows its strongest listing: new first.
ANNOUNCE_TYPE_RANK = Case(
    *(
        When(announce_type=kind, then=Value(rank))
        for rank, kind in enumerate(Announcement.Type.values)
    ),
    default=Value(len(Announcement.Type.values)),
)


def paper_columns_get(*, include_drafts: bool) -> list[str]:
    """The paper columns a topic day reads: an editor's preview all but the search ones."""
    if include_drafts:
        wanted = {field.attname for field in Paper._meta.concrete_fields}
    else:
        wanted = PUBLIC_PAPER_COLUMNS
    return attnames(Paper, wanted - {"search_vector", "search_zh"})


@dataclass(slots=True)
class DayHit:
    """A paper's accepted hit on a topic day: what its card, the API and the preview show.

    Plain values, not a TopicHit: building hundreds of model instances was a fifth of an
    uncached topic day. `subtopic` (or None) is one shared Subtopic per subtopic, with its
    slug and names loaded; `position` is the paper's place in the editors' order (None when
    unordered), `entry_count` how many entries the page has (None when none).
    """

    topic: Topic
    subtopic: Subtopic | None
    confidence: float
    reason: str
    origin: str
    position: int | None
    entry_count: int | None
