import pytest

from papers.arxiv_ids import ArxivId, InvalidArxivId, arxiv_id_parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2604.00626", ArxivId("2604.00626", None)),
        ("2604.00626v3", ArxivId("2604.00626", 3)),
        ("1401.2122", ArxivId("1401.2122", None)),
        ("oai:arXiv.org:2604.22812v1", ArxivId("2604.22812", 1)),
        ("arXiv:2104.12255v1", ArxivId("2104.12255", 1)),
        ("http://arxiv.org/abs/2604.24594v2", ArxivId("2604.24594", 2)),
        ("https://arxiv.org/pdf/2604.24594v2.pdf", ArxivId("2604.24594", 2)),
        ("hep-th/9901001", ArxivId("hep-th/9901001", None)),
        ("http://arxiv.org/abs/astro-ph/0601001v1", ArxivId("astro-ph/0601001", 1)),
        # arXiv's preferred form of an old id leaves out the subject class.
        ("math.GT/0309136v2", ArxivId("math/0309136", 2)),
    ],
)
def test_parses_new_and_legacy_ids(text, expected):
    assert arxiv_id_parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["abc", "0808.05394x", "2604.1", "hep-th/990100", "", "abc1234567", "2604.00626 transformer"],
)
def test_rejects_malformed_ids(text):
    with pytest.raises(InvalidArxivId):
        arxiv_id_parse(text)


def test_str_keeps_version():
    assert str(ArxivId("hep-th/9901001", 2)) == "hep-th/9901001v2"
