"""`manage.py curation_eval`: the scorer beside keywords and the regex, on the eval split."""

import pytest
from django.core.management import call_command

from enrichment.curation.labels import LABELS_DIR
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db


def test_curation_eval_prints_every_method_and_the_calibration(capsys):
    taxonomy_load()
    call_command("curation_eval", *sorted(LABELS_DIR.glob("*.llm.*.jsonl")))
    out = capsys.readouterr().out
    assert "== llm: trained on 220 labelled papers (train split), measured on 135" in out
    for method in ("learned scorer", "keywords (today)", "regex"):
        assert out.count(f"\n{method} ") == 1
    assert "scorer ≥ 0.8:" in out
    assert "0.8–1.0" in out
