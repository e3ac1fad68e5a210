import pytest
from django.core.management import call_command

from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def test_enrich_command_reports_the_run(fake_llm, llm_taxonomy, capsys):
    paper = PaperFactory()
    PaperFactory(enrichment_state="done")  # not pending: left alone without --all
    call_command("enrich")
    out = capsys.readouterr().out
    assert "openai (gpt-4o-mini, prompt v1): ok; 1 papers: 1 done" in out
    assert "1 calls" in out
    paper.refresh_from_db()
    assert paper.title_zh_machine
    call_command("enrich", paper.arxiv_id)
    assert "1 cached" in capsys.readouterr().out
    assert Paper.objects.filter(enrichment_state="done").count() == 2
