"""First pages as a PDF text layer gives them (lines with their font size), each with the
institutions a careful reader finds: page layouts in general (REVTeX, ICLR/NeurIPS, ACM, key
lines with marks, team papers) with the junk a first page holds around the author block."""

import pytest

from ingest.frontmatter.institutions import front_matter_institutions
from ingest.frontmatter.pdf import affiliation_lines
from ingest.frontmatter.types import FrontMatter
from papers.institutions import Registry, registry_get

PROSE = [
    ("We study the problem of learning representations from data and show that the method", 10),
    ("improves over the state of the art on several benchmarks while being simple to train", 10),
    ("and we release the code so that others can build on the results of this work as well", 10),
    ("in the hope that it will be useful to the community for many of the tasks we consider", 10),
]
TITLE = ("Learning Representations for Laboratory Robots at Scale", 17)

SNIPPETS = [
    (
        "revtex: one affiliation line, accents printed beside letters",
        [
            ("Ultra light bosonic dark matter and CMB", 12),
            ("Ivan Rodriguez∗ †", 10),
            ("and Tonatiuh Matos‡", 10),
            (
                "Departamento de F´ısica, Centro de Investigacion y de Estudios Avanzados del "
                "IPN, A.P. 14-740, 07000 M ´ exico D.F., M ´ exico. ´",
                9,
            ),
            *PROSE,
        ],
        ["Centro de Investigación y de Estudios Avanzados del Instituto Politécnico Nacional"],
    ),
    (
        "iclr: venue header, numbered key, emails, internship footnote",
        [
            ("Published as a conference paper at ICLR 2024", 10),
            TITLE,
            ("Wei Zhang1∗, Li Wang2, John Smith1", 10),
            ("1Tsinghua University 2Microsoft Research Asia", 10),
            ("{weizhang, lwang}@tsinghua.edu.cn", 9),
            ("Abstract", 12),
            *PROSE,
            ("∗Work done during an internship at Microsoft Research Asia.", 8),
        ],
        ["Tsinghua University", "Microsoft Research Asia (China)"],
    ),
    (
        "acm: names in capitals, authors' address, copyright block",
        [
            TITLE,
            ("YAXIONG XIE and KYLE JAMIESON, Princeton University, USA", 10),
            *PROSE,
            ("Authors' address: Yaxiong Xie, yaxiongx@princeton.edu; Kyle Jamieson,", 8),
            ("Princeton University, 35 Olden Street, Princeton, NJ, 08544.", 8),
            ("Permission to make digital or hard copies of all or part of this work", 8),
            ("© 2022 Association for Computing Machinery.", 8),
        ],
        ["Princeton University"],
    ),
    (
        "neurips: one author per column, address lines, grant footnote",
        [
            TITLE,
            ("Jane Doe", 10),
            ("Department of Computer Science", 10),
            ("Stanford University", 10),
            ("Stanford, CA 94305", 10),
            ("jane@cs.stanford.edu", 9),
            ("Abstract", 12),
            *PROSE,
            ("This work was supported by the National Science Foundation under grant 1234.", 8),
        ],
        ["Stanford University"],
    ),
    (
        "symbol marks and a spacing variant",
        [
            TITLE,
            ("Jun Li♠ Mei Chen♣ Tao Wu♦", 11),
            (
                "♠Alibaba Group ♣Zhejiang University "
                "♦HongKong University of Science and Technology",
                10,
            ),
            ("Abstract", 12),
            *PROSE,
        ],
        [
            "Alibaba Group (China)",
            "Zhejiang University",
            "Hong Kong University of Science and Technology",
        ],
    ),
    (
        "preprint header, correspondence and notes in the author block",
        [
            ("Preprint. Under review.", 9),
            TITLE,
            ("Anna Berg1 Tom Kurz1,2", 11),
            ("1ETH Zürich 2Max Planck Institute for Intelligent Systems", 10),
            ("∗Equal contribution †Corresponding author", 9),
            ("Correspondence to: Anna Berg <anna.berg@inf.ethz.ch>", 9),
            ("Abstract", 12),
            *PROSE,
        ],
        ["ETH Zurich", "Max Planck Institute for Intelligent Systems"],
    ),
    (
        "team paper",
        [TITLE, ("Qwen Team, Alibaba Group", 11), ("Abstract", 12), *PROSE],
        ["Alibaba Group (China)"],
    ),
    (
        "a key laboratory on its own line, its university on the next",
        [
            TITLE,
            ("Hao Sun1, Yu Qian1,2", 11),
            ("1MoE Key Lab of Artificial Intelligence, AI Institute", 10),
            ("Shanghai Jiao Tong University", 10),
            ("2Shanghai AI Laboratory", 10),
            ("Abstract", 12),
            *PROSE,
        ],
        ["Shanghai Jiao Tong University", "Shanghai Artificial Intelligence Laboratory"],
    ),
    (
        "keywords end the header; a figure caption on page 1",
        [
            TITLE,
            ("Maria Rossi", 11),
            ("Politecnico di Milano, Milan, Italy", 10),
            ("Keywords: Laboratory automation · Robotics · Google Cloud", 9),
            ("Figure 1: Our robot at the Institute for Advanced Foo Studies lab.", 9),
            *PROSE,
        ],
        ["Politecnico di Milano"],
    ),
    (
        "company research arms and acronyms",
        [
            TITLE,
            ("Ana Silva1 Bo Li2 Cy Ng3", 11),
            ("1IBM Research 2FAIR, Meta 3Huawei Noah's Ark Lab", 10),
            ("Abstract", 12),
            *PROSE,
        ],
        ["IBM", "Meta (United States)", "Huawei Technologies (China)"],
    ),
    (
        "people's names that are also words or places",
        [
            TITLE,
            ("Max Welling1, Florence Wu2, Georgia Smith1", 11),
            ("1University of Amsterdam 2Adobe Research", 10),
            ("Abstract", 12),
            *PROSE,
        ],
        ["University of Amsterdam", "Adobe"],
    ),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_get()


@pytest.mark.parametrize(
    ("sized", "expected"), [s[1:] for s in SNIPPETS], ids=[s[0] for s in SNIPPETS]
)
def test_front_matter_snippet(registry, sized, expected):
    lines, _readable = affiliation_lines(sized, registry)
    front = FrontMatter(kind="pdf", authors=(), lines=tuple(dict.fromkeys(lines)), text="")
    found = [
        m.organisation.name if m.organisation else f"~{m.text}"
        for m in front_matter_institutions(front, registry)
    ]
    assert found == expected
