"""Editors' work on institutions: merge duplicates, set the Chinese name, link a ROR id,
confirm an organisation the registry lacks, and ask for a front-matter fetch again.

Like editorial/services.py: each function checks the permission first (PermissionDenied,
nothing written), saves with the editor in the audit history, and announces the change to
readers after commit (an institution's names show on every page that lists its papers).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from editorial.edits import audited_save, permission_require, row_save
from papers.institutions import Organisation, registry_get
from papers.models import (
    FrontMatter,
    Institution,
    InstitutionAlias,
    PaperAuthor,
    institution_name_normalize,
    ror_id_parse,
)
from papers.signals import public_content_changed_on_commit

CHANGE = "papers.change_institution"


class InstitutionLinkError(ValueError):
    """A ROR id that cannot be linked: malformed, unknown to the registry, or already used."""


def organisation_by_ror_id(ror_id: str) -> Organisation | None:
    """The registry's organisation with this short ROR id, or None (the registry is keyed by
    the id's URL; it loads on first use, so only linking pays for it)."""
    return registry_get().get(f"https://ror.org/{ror_id}")


def institution_ror_link_check(*, institution: Institution, ror_id: str) -> Organisation:
    """The organisation `ror_id` (an id or a ror.org URL) names, ready to link to
    `institution`; raises InstitutionLinkError saying what is wrong."""
    parsed = ror_id_parse(ror_id)
    if parsed is None:
        raise InstitutionLinkError(f"{ror_id!r} is not a ROR id (like 03cve4549)")
    holder = Institution.objects.filter(ror_id=parsed).exclude(pk=institution.pk).first()
    if holder is not None:
        raise InstitutionLinkError(
            f"{parsed} is already linked to #{holder.pk} {holder.name}: merge the two instead"
        )
    organisation = organisation_by_ror_id(parsed)
    if organisation is None:
        raise InstitutionLinkError(f"the registry holds no organisation {parsed}")
    return organisation


@transaction.atomic
def institution_ror_link(*, institution: Institution, ror_id: str, user) -> Institution:
    """Make `institution` the registry's organisation `ror_id`: its name (without ROR's
    "(Country)" suffix of companies), country and (unless
    an editor wrote one) Chinese name come from the registry, and the old name stays findable
    as an alias. Needs papers.change_institution; raises InstitutionLinkError."""
    permission_require(user=user, permissions=[CHANGE])
    organisation = institution_ror_link_check(institution=institution, ror_id=ror_id)
    old_name = institution.name
    institution.ror_id = ror_id_parse(ror_id)
    institution.name = organisation.short_name
    institution.country = organisation.country or institution.country
    institution.source = Institution.Source.ROR
    if organisation.name_zh and institution.name_zh_source != Institution.NameZhSource.EDITOR:
        institution.name_zh = organisation.name_zh
        institution.name_zh_source = Institution.NameZhSource.ROR
    audited_save(institution, user=user)
    _aliases_add(institution=institution, names=[old_name], user=user)
    public_content_changed_on_commit(sender=Institution)
    return institution


def _name_zh_take(institution: Institution) -> None:
    """The Chinese name as it stands is the editor's; empty hands it back to ROR and machine."""
    institution.name_zh = " ".join(institution.name_zh.split())
    institution.name_zh_source = (
        Institution.NameZhSource.EDITOR if institution.name_zh else Institution.NameZhSource.NONE
    )


@transaction.atomic
def institution_name_zh_set(*, institution: Institution, name_zh: str, user) -> Institution:
    """The editor's Chinese name: it wins from now on (ROR and machine never overwrite it).
    An empty name hands the field back to ROR and the machine. Needs papers.change_institution."""
    permission_require(user=user, permissions=[CHANGE])
    institution.name_zh = name_zh
    _name_zh_take(institution)
    audited_save(institution, user=user)
    public_content_changed_on_commit(sender=Institution)
    return institution


@transaction.atomic
def institutions_name_zh_confirm(*, institutions: QuerySet[Institution], user) -> int:
    """An editor has read these Chinese names readers do not see yet (the machine's, or older
    ones of unknown origin) and vouches for them: they become the editor's and show. Needs
    papers.change_institution; returns how many."""
    proposed = institutions.exclude(name_zh="").exclude(
        name_zh_source__in=Institution.PUBLIC_ZH_SOURCES
    )
    count = 0
    for institution in proposed:
        institution_name_zh_set(institution=institution, name_zh=institution.name_zh, user=user)
        count += 1
    return count


def institution_editor_save(
    *, institution: Institution, name_zh_changed: bool, user
) -> Institution:
    """An editor's form save (editorial.edits.row_save: add/change permission, audited,
    announced); a Chinese name the editor changed becomes theirs (see institution_name_zh_set)."""
    if name_zh_changed:
        _name_zh_take(institution)
    return row_save(row=institution, user=user)


@transaction.atomic
def institutions_confirm(*, institutions: Iterable[Institution], user) -> int:
    """Unmatched institutions an editor vouches for (organisations the registry lacks) are
    shown to readers as institutions from now on. Needs papers.change_institution; returns
    how many changed."""
    permission_require(user=user, permissions=[CHANGE])
    count = 0
    for institution in institutions:
        if institution.source == Institution.Source.UNMATCHED:
            institution.source = Institution.Source.EDITOR
            audited_save(institution, user=user)
            count += 1
    if count:
        public_content_changed_on_commit(sender=Institution)
    return count


def _aliases_add(*, institution: Institution, names: Iterable[str], user) -> None:
    """Spellings that resolve to `institution` from now on; known spellings are skipped."""
    for name in names:
        normalized = institution_name_normalize(name)
        if not normalized or normalized == institution.normalized_name:
            continue
        alias = InstitutionAlias.objects.filter(normalized_name=normalized).first()
        if alias is None:
            audited_save(InstitutionAlias(institution=institution, name=name[:300]), user=user)
        elif alias.institution_id != institution.pk:
            alias.institution = institution
            audited_save(alias, user=user, update_fields=["institution"])


def _paper_links_move(*, source: Institution, target: Institution, user) -> None:
    """The papers of `source` become papers of `target`; a paper linked to both keeps one."""
    linked = set(target.paper_links.values_list("paper_id", flat=True))
    for link in source.paper_links.all():
        link._history_user = user
        if link.paper_id in linked:
            link.delete()
            continue
        link.institution = target
        audited_save(link, user=user)
        linked.add(link.paper_id)
    for author in PaperAuthor.objects.filter(institution=source):
        author.institution = target
        audited_save(author, user=user, update_fields=["institution"])


@transaction.atomic
def institutions_merge(*, target: Institution, others: Iterable[Institution], user) -> Institution:
    """Fold `others` into `target`: their aliases, names (English and Chinese, as aliases) and
    papers move to it, each paper once; a Chinese name or country `target` lacks is taken
    over. The merged rows are deleted, their history keeps who merged them into what.

    Needs papers.change_institution and papers.change_paperinstitution (merging keeps every
    name, so it is an edit, not a deletion). Returns `target`, saved.
    """
    permission_require(user=user, permissions=[CHANGE, "papers.change_paperinstitution"])
    others = [other for other in others if other.pk != target.pk]
    merged = ", ".join(f"#{other.pk}" for other in others)
    for other in others:
        _paper_links_move(source=other, target=target, user=user)
        names = [alias.name for alias in other.aliases.all()]
        if not target.name_zh and other.name_zh:
            target.name_zh, target.name_zh_source = other.name_zh, other.name_zh_source
        if not target.country:
            target.country = other.country
        other._history_user = user
        other._change_reason = f"merged into #{target.pk} {target.name}"[:100]
        other.delete()  # first: its name is free to become an alias
        _aliases_add(institution=target, names=[*names, other.name, other.name_zh], user=user)
    target._change_reason = f"merged {merged} in"[:100]
    audited_save(target, user=user)
    public_content_changed_on_commit(sender=Institution)
    return target


@transaction.atomic
def front_matter_retry(*, rows: Iterable[FrontMatter], user) -> int:
    """Ask the sweep to fetch these papers' front matter again at its next run (failed and
    unreadable rows; extracted ones stay). Needs papers.change_frontmatter; returns how many."""
    permission_require(user=user, permissions=["papers.change_frontmatter"])
    due = [row.pk for row in rows if row.state != FrontMatter.State.DONE]
    return FrontMatter.objects.filter(pk__in=due).update(
        state=FrontMatter.State.FAILED, next_attempt_at=timezone.now()
    )
