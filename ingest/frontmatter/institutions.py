"""A paper's institutions from its front matter: every line through the registry's matcher."""

from ingest.frontmatter.types import FrontMatter
from papers.institutions import InstitutionMatch, Registry
from papers.institutions.names import name_key
from papers.institutions.units import is_part_of


def front_matter_institutions(front: FrontMatter, registry: Registry) -> list[InstitutionMatch]:
    """The institutions of all affiliation lines, in order of first appearance, each once
    per paper (a matched record once by its key, an unmatched string once by its normal
    form; a record matched once wins over the same name left unmatched elsewhere, and over an
    unmatched lab or institute named after it on another line)."""
    found: dict[str, InstitutionMatch] = {}
    for line in front.lines:
        for match in registry.organisations_in(line):
            identity = (
                match.organisation.key if match.organisation else f"text:{name_key(match.text)}"
            )
            found.setdefault(identity, match)
    matched_names = {
        name_key(n)
        for m in found.values()
        if m.organisation
        for n in (m.text, m.organisation.name, m.organisation.short_name)
    }
    matched = [m for m in found.values() if m.organisation]
    return [
        m
        for m in found.values()
        if m.organisation
        or (
            name_key(m.text) not in matched_names
            and not any(is_part_of(m.text, p) for p in matched)
        )
    ]
