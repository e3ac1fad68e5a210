"""Scoring the product's own extraction and matching against a folder of answered papers.

The folder holds `expected.json` and the files `<id>.html` / `<id>.pdf` (`/` in old ids
written `_`). Per paper, `institutions` is a list of groups of acceptable names (one group = one
institution), `optional` names that are neither required nor wrong, `never` names that must not
come out, and `unreadable_text_layer` marks a PDF whose right outcome is "unreadable" (left out
of precision and recall). An extracted institution is correct when its registry name or its
text, in the matcher's normal form, equals a listed name, or names a department of a listed
organisation; each institution counts once per paper.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from ingest.frontmatter.html import front_matter_from_html
from ingest.frontmatter.institutions import front_matter_institutions
from ingest.frontmatter.pdf import front_matter_from_pdf
from ingest.frontmatter.types import FrontMatter, FrontMatterUnavailable, FrontMatterUnreadable
from papers.institutions import InstitutionMatch, Registry, registry_get
from papers.institutions.names import name_key


@dataclass
class PaperScore:
    """One paper's outcome: `state` is "ok", "unavailable", "unreadable" or "missing"."""

    arxiv_id: str
    state: str = "ok"
    reason: str = ""
    kind: str = ""
    found: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    never_hit: list[str] = field(default_factory=list)
    excluded: bool = False
    matches: list[InstitutionMatch] = field(default_factory=list)


@dataclass
class EvaluationResult:
    """All papers' scores, the totals, and the Chinese-name coverage."""

    papers: list[PaperScore]
    correct: int = 0
    extracted: int = 0
    groups_found: int = 0
    groups: int = 0
    chinese_with_name: list[str] = field(default_factory=list)
    chinese_without_name: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.groups_found / self.groups if self.groups else 1.0


def front_matter_read(folder: Path, arxiv_id: str, registry: Registry) -> FrontMatter:
    """The front matter of one recorded paper: its HTML, falling back to its PDF when arXiv
    had no HTML. Raises FileNotFoundError when neither file exists."""
    stem = folder / arxiv_id.replace("/", "_")
    html, pdf = stem.with_name(stem.name + ".html"), stem.with_name(stem.name + ".pdf")
    if html.exists():
        try:
            return front_matter_from_html(html.read_bytes(), registry=registry)
        except FrontMatterUnavailable:
            if not pdf.exists():
                raise
    if pdf.exists():
        return front_matter_from_pdf(pdf.read_bytes(), registry=registry)
    raise FileNotFoundError(f"no {stem.name}.html or .pdf in {folder}")


def _names(match: InstitutionMatch) -> set[str]:
    names = {name_key(match.text)}
    if match.organisation:
        names |= {name_key(match.organisation.name), name_key(match.organisation.short_name)}
    return names - {""}


def _is_within(names: set[str], listed: set[str]) -> bool:
    """A department/lab string that names a listed organisation inside it."""
    return any(f" {key} " in f" {name} " for name in names for key in listed if " " in key)


def paper_score(arxiv_id: str, answer: dict, folder: Path, registry: Registry) -> PaperScore:
    """Extract, match and score one paper against its answer."""
    score = PaperScore(arxiv_id=arxiv_id, excluded=bool(answer.get("unreadable_text_layer")))
    groups = [{name_key(n) for n in group} for group in answer.get("institutions", [])]
    optional = {name_key(n) for n in answer.get("optional", [])}
    never = {name_key(n) for n in answer.get("never", [])}
    listed = set().union(*groups) if groups else set()
    try:
        front = front_matter_read(folder, arxiv_id, registry)
    except FrontMatterUnavailable as error:
        score.state, score.reason = "unavailable", str(error)
    except FrontMatterUnreadable as error:
        score.state, score.reason = "unreadable", str(error)
    except FileNotFoundError as error:
        score.state, score.reason = "missing", str(error)
    else:
        score.kind = front.kind
        score.matches = front_matter_institutions(front, registry)
    hit_groups: set[int] = set()
    for match in score.matches:
        names = _names(match)
        label = match.text + (f" → {match.organisation.name}" if match.organisation else "")
        if names & never:
            score.never_hit.append(label)
            score.wrong.append(label)
            continue
        hits = {i for i, group in enumerate(groups) if names & group}
        if hits or names & optional or _is_within(names, listed):
            score.found.append(label)
            hit_groups |= hits
        else:
            score.wrong.append(label)
    score.missed = [answer["institutions"][i][0] for i in range(len(groups)) if i not in hit_groups]
    return score


def institutions_evaluate(folder: Path, registry: Registry | None = None) -> EvaluationResult:
    """Score every paper of `folder/expected.json` (see the module docstring)."""
    registry = registry if registry is not None else registry_get()
    answers = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = EvaluationResult(papers=[])
    for arxiv_id, answer in answers.items():
        score = paper_score(arxiv_id, answer, folder, registry)
        result.papers.append(score)
        for match in score.matches:
            org = match.organisation
            if org and org.chinese_region:
                target = result.chinese_with_name if org.name_zh else result.chinese_without_name
                target.append(f"{org.name} {org.name_zh}".strip())
        if score.excluded:
            continue
        result.correct += len(score.found)
        result.extracted += len(score.found) + len(score.wrong)
        result.groups += len(answer.get("institutions", []))
        result.groups_found += len(answer.get("institutions", [])) - len(score.missed)
    return result


def evaluation_report(result: EvaluationResult) -> list[str]:
    """The lines `institutions_eval` prints: one per paper, then the totals."""
    lines = []
    for paper in result.papers:
        head = f"{paper.arxiv_id} [{paper.kind or paper.state}]"
        if paper.excluded:
            outcome = "reported unreadable" if paper.state == "unreadable" else "NOT unreadable"
            lines.append(f"{head} excluded (unreadable text layer): {outcome}. {paper.reason}")
            continue
        if paper.state != "ok":
            lines.append(f"{head} {paper.reason}")
        lines.append(
            f"{head} found: {'; '.join(paper.found) or '-'} | missed: "
            f"{'; '.join(paper.missed) or '-'} | wrong: {'; '.join(paper.wrong) or '-'}"
        )
        if paper.never_hit:
            lines.append(f"{head} NEVER names extracted: {'; '.join(paper.never_hit)}")
    lines.append(f"precision {result.precision:.2f} recall {result.recall:.2f}")
    chinese = len(result.chinese_with_name) + len(result.chinese_without_name)
    share = len(result.chinese_with_name) / chinese if chinese else 1.0
    lines.append(
        f"chinese names {len(result.chinese_with_name)}/{chinese} ({share:.0%}) of institutions "
        "in CN/HK/MO/TW"
        + (
            f"; for editors: {', '.join(result.chinese_without_name)}"
            if result.chinese_without_name
            else ""
        )
    )
    return lines
