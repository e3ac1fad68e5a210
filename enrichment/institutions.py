"""Institution writes shared by every path that names them: arXiv's affiliations, the paper's
front matter (ingest) and the LLM's proposals all become `Institution` rows and paper links
here, through the one registry matcher (papers.institutions).

Rules kept here: a registry match is stored as a ROR or curated institution with its id, name
and country; an unmatched string as an `unmatched` institution for editors, never dropped; the
Chinese name is an editor's if set, else ROR's, else the machine's (which only fills an empty
one); links an editor made are never removed by a machine.
"""

from collections.abc import Iterable

from django.db import transaction

from enrichment.backends.base import InstitutionSuggestion
from papers.institutions import InstitutionMatch, Organisation, Registry, registry_get
from papers.models import (
    Institution,
    InstitutionAlias,
    Paper,
    PaperInstitution,
    institution_name_normalize,
)
from papers.signals import public_content_changed_if_published

ROR_PREFIX = "https://ror.org/"
# Registry keys of the organisations editors added (editor_organisations_list).
EDITOR_KEY = "editor:"
NAME_MAX = 300
Origin = PaperInstitution.Origin
# A link of a higher origin is never replaced by a lower one's: editors over the paper's own
# first page, over arXiv's affiliation field, over the machine's proposals.
ORIGIN_RANK = {Origin.MACHINE: 0, Origin.ARXIV: 1, Origin.FRONT_MATTER: 2, Origin.EDITOR: 3}


def _clean(name: str) -> str:
    return " ".join(name.split()).strip(" ,;.")[:NAME_MAX]


def _published_changed(institution: Institution) -> None:
    public_content_changed_if_published(
        paper_ids=institution.papers.values("pk"), sender=Institution
    )


def institution_resolve(*, name: str, name_zh: str = "") -> Institution | None:
    """The institution a spelling stands for (via aliases), created `unmatched` if nobody knows
    it yet; None for a spelling with no letter or digit. `name_zh` (a machine proposal) only
    fills an empty Chinese name."""
    name = _clean(name)
    normalized = institution_name_normalize(name)
    if not normalized:
        return None
    alias = InstitutionAlias.objects.filter(normalized_name=normalized).first()
    if alias:
        institution = alias.institution
    else:
        institution, _ = Institution.objects.get_or_create(
            normalized_name=normalized, defaults={"name": name}
        )
    if name_zh and not institution.name_zh:
        institution.name_zh = name_zh[:NAME_MAX]
        institution.name_zh_source = Institution.NameZhSource.MACHINE
        institution.save(update_fields=["name_zh", "name_zh_source"])
        _published_changed(institution)
    return institution


def _registry_institution(organisation: Organisation) -> Institution:
    """The row of a registry organisation: found by ROR id, else by name, else created."""
    ror_id = organisation.ror_id.removeprefix(ROR_PREFIX)
    source = Institution.Source.ROR if ror_id else Institution.Source.CURATED
    if ror_id and (found := Institution.objects.filter(ror_id=ror_id).first()):
        return found
    name = _clean(organisation.short_name)
    found = Institution.objects.filter(normalized_name=institution_name_normalize(name)).first()
    if found is None:
        return Institution.objects.create(
            name=name, ror_id=ror_id, source=source, country=organisation.country
        )
    if found.source == Institution.Source.UNMATCHED:
        # Editors' unmatched string now has its registry record: its papers follow.
        found.source, found.ror_id, found.name = source, ror_id, name
        found.country = found.country or organisation.country
        found.save()
        _published_changed(found)
        return found
    if not ror_id or found.ror_id in ("", ror_id):
        return found
    # Another registry record of the same short name ("Amazon (Germany)"): its full name.
    defaults = {"name": _clean(organisation.name), "source": source}
    return Institution.objects.get_or_create(
        ror_id=ror_id, defaults={**defaults, "country": organisation.country}
    )[0]


def institution_from_match(*, match: InstitutionMatch, name_zh: str = "") -> Institution | None:
    """The `Institution` row for one matched (or unmatched) organisation string.

    A registry match gives a ROR (or curated) row with ROR id, name and country, and ROR's
    Chinese name unless an editor set one; editors' own records (key "editor:<pk>") give
    that row. Unmatched text gives an `unmatched` row (or the row one of its aliases names).
    `name_zh` is a machine proposal: it only fills an empty Chinese name. None only for text
    with no letter or digit.
    """
    organisation = match.organisation
    if organisation is None:
        return institution_resolve(name=match.text, name_zh=name_zh)
    editor_pk = organisation.key.removeprefix(EDITOR_KEY)
    if editor_pk != organisation.key:
        institution = Institution.objects.filter(pk=int(editor_pk)).first()
        if institution is None:  # deleted since the registry was built
            return institution_resolve(name=match.text, name_zh=name_zh)
    else:
        institution = _registry_institution(organisation)
    zh_source = Institution.NameZhSource
    if organisation.name_zh and institution.name_zh_source != zh_source.EDITOR:
        zh, source = organisation.name_zh[:NAME_MAX], zh_source.ROR
    elif name_zh and not institution.name_zh:
        zh, source = name_zh[:NAME_MAX], zh_source.MACHINE
    else:
        return institution
    if (institution.name_zh, institution.name_zh_source) != (zh, source):
        institution.name_zh, institution.name_zh_source = zh, source
        institution.save(update_fields=["name_zh", "name_zh_source"])
        _published_changed(institution)
    return institution


def editor_organisations_list() -> list[Organisation]:
    """Institutions editors created or confirmed, as registry organisations keyed
    "editor:<pk>" with their aliases, so the matcher finds what the shipped registry lacks."""
    institutions = Institution.objects.filter(source=Institution.Source.EDITOR)
    return [
        Organisation(
            key=f"{EDITOR_KEY}{institution.pk}",
            name=institution.name,
            name_zh=institution.name_zh,
            country=institution.country,
            ror_id=f"{ROR_PREFIX}{institution.ror_id}" if institution.ror_id else "",
            aliases=tuple(alias.name for alias in institution.aliases.all()),
        )
        for institution in institutions.prefetch_related("aliases")
    ]


def paper_links_read(*, paper: Paper) -> dict[int, PaperInstitution]:
    """The paper's institution links by institution pk."""
    return {link.institution_id: link for link in paper.paper_institutions.all()}


def paper_institutions_apply(
    *,
    paper: Paper,
    institutions: Iterable[tuple[Institution, str]],
    origin: str,
    links: dict[int, PaperInstitution] | None = None,
    notify: bool = True,
) -> bool:
    """Make `origin`'s links of `paper` exactly these (institution, source line) pairs.

    Links of other origins are left alone, except that a lower origin's link to an
    institution this origin names becomes this origin's (editors' links never move: see
    ORIGIN_RANK). New links go after the existing ones. Sends public_content_changed when a
    published paper's institutions changed. Returns whether any link was added or removed.
    `links`: the paper's links by institution pk if already read; kept up to date here, so a
    next call for another origin can take them too. `notify` False: the caller sends
    public_content_changed, once for all it wrote.
    """
    wanted: dict[int, str] = {}
    for institution, line in institutions:
        wanted.setdefault(institution.pk, line)
    if links is None:
        links = paper_links_read(paper=paper)
    changed = False
    # Inside a caller's transaction, no savepoint: nobody goes on after half of it failed.
    with transaction.atomic(savepoint=False):
        position = max((link.position for link in links.values()), default=-1) + 1
        for institution_id, link in list(links.items()):
            if link.origin == origin and institution_id not in wanted:
                link.delete()
                del links[institution_id]
                changed = True
        for institution_id, line in wanted.items():
            link = links.get(institution_id)
            if link is None:
                links[institution_id] = PaperInstitution.objects.create(
                    paper=paper,
                    institution_id=institution_id,
                    origin=origin,
                    position=position,
                    source_line=line,
                )
                position += 1
                changed = True
            elif ORIGIN_RANK[link.origin] <= ORIGIN_RANK[origin] and (
                (link.origin, link.source_line) != (origin, line)
            ):
                link.origin, link.source_line = origin, line
                link.save(update_fields=["origin", "source_line"])
        if changed and notify:
            public_content_changed_if_published(paper_ids=[paper.pk], sender=PaperInstitution)
    return changed


def institutions_registry() -> Registry:
    """The shared registry (papers.institutions) with the institutions editors added on top."""
    return registry_get().with_extra(editor_organisations_list())


def enrichment_institutions_apply(
    *,
    paper: Paper,
    suggestions: list[InstitutionSuggestion] | None,
    registry: Registry,
    known: dict[tuple[str, str], Institution | None] | None = None,
) -> bool:
    """arXiv's affiliations (each author's, split at ";", each part read like a front-matter
    line) and the backend's institutions, all through the registry matcher, as links of
    origin arxiv and machine; `suggestions` None (a cached run) keeps the machine's links.

    An author without an institution gets the first one its affiliation names. `registry`:
    institutions_registry(), built once per run. `known`: the institutions already found in
    this transaction, by what was matched (filled here), so a batch of papers looks each one
    up once. Returns whether an author's institution or a link was added or removed; the
    caller sends public_content_changed.
    """
    known = {} if known is None else known

    def institution_of(match: InstitutionMatch, name_zh: str = "") -> Institution | None:
        key = (match.organisation.key if match.organisation else match.text, name_zh)
        if key not in known:
            known[key] = institution_from_match(match=match, name_zh=name_zh)
        return known[key]

    changed = False
    from_arxiv: list[tuple[Institution, str]] = []
    for author in paper.authors.all():
        for part in author.affiliation.split(";"):
            # arXiv's field is an affiliation by definition: when no part of it reads like an
            # organisation ("Ohio State"), the whole of it is kept.
            found = registry.organisations_in(part) or [
                InstitutionMatch(part, registry.match(part))
            ]
            for match in found:
                institution = institution_of(match)
                if institution is None:
                    continue
                from_arxiv.append((institution, part.strip()))
                if author.institution_id is None:
                    author.institution = institution
                    author.save(update_fields=["institution"])
                    changed = True
    links = paper_links_read(paper=paper)
    changed |= paper_institutions_apply(
        paper=paper, institutions=from_arxiv, origin=Origin.ARXIV, links=links, notify=False
    )
    if suggestions is None:
        return changed
    proposed = []
    for suggestion in suggestions:
        match = InstitutionMatch(suggestion.name, registry.match(suggestion.name))
        institution = institution_of(match, suggestion.name_zh)
        if institution is not None:
            proposed.append((institution, ""))
    changed |= paper_institutions_apply(
        paper=paper, institutions=proposed, origin=Origin.MACHINE, links=links, notify=False
    )
    return changed
