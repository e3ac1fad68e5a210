"""Papers that carry one text in every field readers or editors can see."""

from papers.models import Institution, PaperAuthor, TopicHit
from tests.factories import PaperInstitutionFactory
from tests.site_data import listed_paper


def paper_with_text_everywhere(topic, text: str, *, label: str, **paper_fields):
    """A paper listed for `topic` with `text` in every arXiv field, every machine Chinese
    field, its authors, its institution and its hit's reason; `label` keeps names apart."""
    paper = listed_paper(
        topic,
        title=f"{label} {text}",
        abstract=f"Abstract {label} {text}",
        comments=text,
        journal_ref=text,
        doi=text,
        categories=["cs.CL", text],
        authors_text=f"Ada {text}, Alan Turing",
        title_zh_machine=f"标题 {text}",
        summary_zh_machine=f"总结 {text}",
        abstract_zh_machine=f"摘要 {text}",
        **paper_fields,
    )
    PaperAuthor.objects.filter(paper=paper).update(name=text, affiliation=text)
    institution = Institution.objects.create(
        name=f"Institute {label} {text}", name_zh=f"研究所 {text}"
    )
    PaperInstitutionFactory(paper=paper, institution=institution)
    TopicHit.objects.filter(paper=paper).update(reason=f"理由 {text}")
    return paper
