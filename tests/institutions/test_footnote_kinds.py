"""Layout kinds written for this test (no paper copied): affiliations only in page-1 symbol
footnotes under a thanks footnote; lines joined by "and", " - " and "&"; a unit "of" its
university; department records beside their university."""

import pytest

from ingest.frontmatter.institutions import front_matter_institutions
from ingest.frontmatter.pdf import affiliation_lines
from ingest.frontmatter.types import FrontMatter
from papers.institutions import Organisation, Registry, registry_get

PROSE = [
    ("We study the problem of learning representations from data and show that the method", 10),
    ("improves over the state of the art on several benchmarks while being simple to train", 10),
    ("and we release the code so that others can build on the results of this work as well", 10),
]
THANKS = [
    ("∗We are grateful to seminar participants at Harvard University, the University of", 9),
    ("Oxford and Yale University for comments. We thank Ann Lee (University of Bristol) for", 9),
    ("the data. We acknowledge funding from the Economic and Social Research Council.", 9),
]

PAGES = [
    (
        "symbol footnotes under a thanks footnote, one mark on a line of its own",
        [
            ("Peers and Prices∗", 17),
            ("Ann Lee† Bo Chen‡ Cy Ng§", 12),
            ("Abstract", 10),
            *PROSE,
            *THANKS,
            ("†", 6),
            ("Department of Economics, University of Warwick. Email: al@warwick.ac.uk", 9),
            ("‡Corresponding author, Uppsala University, bc@gmail.com", 9),
            ("§", 6),
            ("cyng@gmail.com", 9),
        ],
        ["University of Warwick", "Uppsala University"],
    ),
    (
        "a line that goes on with 'and'; a unit and its university split by ' - '",
        [
            ("Heavy Quarks in a Plasma", 14),
            ("Ana Souza", 10),
            ("Instituto de Química - Universidade Estadual de Campinas, Campinas, Brazil and", 8),
            ("Uppsala University, Uppsala, Sweden", 8),
            ("Abstract", 10),
            *PROSE,
        ],
        ["Universidade Estadual de Campinas (UNICAMP)", "Uppsala University"],
    ),
    (
        "two organisations joined by 'and'; a street address after ' - '",
        [
            ("Heavy Quarks in a Plasma", 14),
            ("Ana Souza", 10),
            ("Max Planck Institute for Physics and Technical University of Munich, Germany", 8),
            ("Uppsala University - Lägerhyddsvägen 1, 751 20 Uppsala, Sweden", 8),
            ("Abstract", 10),
            *PROSE,
        ],
        [
            "Max Planck Institute for Physics",
            "Technical University of Munich",
            "Uppsala University",
        ],
    ),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_get()


def names(registry: Registry, lines) -> list[str]:
    front = FrontMatter(kind="pdf", authors=(), lines=tuple(dict.fromkeys(lines)), text="")
    return [
        m.organisation.name if m.organisation else f"~{m.text}"
        for m in front_matter_institutions(front, registry)
    ]


@pytest.mark.parametrize(("sized", "expected"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_kind(registry, sized, expected):
    lines, _readable = affiliation_lines(sized, registry)
    assert names(registry, lines) == expected


THU, CUHK = "Tsinghua University", "Chinese University of Hong Kong"
CUHK_SZ = "The Chinese University of Hong Kong, Shenzhen"
ITP_CAS = "Institute of Theoretical Physics, Chinese Academy of Sciences"
# line → what it names; a campus in parentheses or after a comma is its own record when the
# registry has one, else the parenthesis is dropped
LINE_KINDS = {
    "Departamento de Física da Faculdade de Ciências de Universidade de Coimbra": [
        "University of Coimbra"
    ],
    "Department of Physics and Astronomy, Uppsala University": ["Uppsala University"],
    "1The Chinese University of Hong Kong (Shenzhen) 2The Chinese University of Hong Kong": [
        CUHK_SZ,
        CUHK,
    ],
    "School of Data Science, CUHK-Shenzhen": [CUHK_SZ],
    "University of California (Berkeley)": ["University of California, Berkeley"],
    "Tsinghua University (THU)": [THU],
    "Institute of Theoretical Physics, Chinese Academy of Sciences, Beijing 100190": [ITP_CAS],
    "Institute of Theoretical Physics, University of Warsaw": ["University of Warsaw"],
}


@pytest.mark.parametrize("line", list(LINE_KINDS))
def test_line_kind(registry, line):
    found = [
        m.organisation.name if m.organisation else f"~{m.text}"
        for m in registry.organisations_in(line)
    ]
    assert found == LINE_KINDS[line]


def test_a_department_record_beside_its_university_is_not_an_institution():
    small = Registry(
        [
            Organisation(
                key="k:dept", name="Smith Department of Bioengineering", types=("education",)
            ),
            Organisation(
                key="k:school",
                name="Escola X",
                aliases=("Graduate School of Law",),
                types=("education",),
            ),
            Organisation(key="k:kessler", name="Kessler University", types=("education",)),
        ]
    )
    for line in (
        "Smith Department of Bioengineering, Kessler University",
        "Graduate School of Law, Kessler University, Japan",
    ):
        assert [m.organisation.key for m in small.organisations_in(line)] == ["k:kessler"]
