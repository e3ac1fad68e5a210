"""A battery of affiliation lines as papers print them, each with the organisations a careful
reader finds: registry records by their registry name, an organisation the registry lacks as
"~<text as extracted>". Written from how front matter is typeset in general (Chinese, US,
European, Japanese and Korean universities, labs and companies; department-first lines;
multi-organisation lines; addresses) and from the kinds of junk a first page holds (grants,
conference headers, licences, notes, names, e-mails), not from any paper of the fixtures."""

import pytest

from papers.institutions import Registry, registry_get

THU = "Tsinghua University"
PKU = "Peking University"
SJTU = "Shanghai Jiao Tong University"
ZJU = "Zhejiang University"
FUDAN = "Fudan University"
USTC = "University of Science and Technology of China"
CAS = "Chinese Academy of Sciences"
UCAS = "University of Chinese Academy of Sciences"
HKUST = "Hong Kong University of Science and Technology"
CUHK = "Chinese University of Hong Kong"
HKU = "University of Hong Kong"
NUS = "National University of Singapore"
NTU = "Nanyang Technological University"
MIT = "Massachusetts Institute of Technology"
CMU = "Carnegie Mellon University"
STANFORD = "Stanford University"
BERKELEY = "University of California, Berkeley"
UW = "University of Washington"
GOOGLE = "Google (United States)"
DEEPMIND = "Google DeepMind (United Kingdom)"
META = "Meta (United States)"
MICROSOFT = "Microsoft (United States)"
MSRA = "Microsoft Research Asia (China)"
NVIDIA = "Nvidia (United States)"
ALIBABA = "Alibaba Group (China)"
TENCENT = "Tencent (China)"
HUAWEI = "Huawei Technologies (China)"
BYTEDANCE = "ByteDance (China)"
BAIDU = "Baidu (China)"
IBM = "IBM"
AI2 = "Allen Institute for Artificial Intelligence"
INRIA = "Institut national de recherche en sciences et technologies du numérique"

LINES = [
    # --- Chinese universities and institutes -------------------------------------------
    ("Department of Computer Science and Technology, Tsinghua University, Beijing, China", [THU]),
    ("School of Computer Science, Peking University, Beijing 100871, China", [PKU]),
    (
        "1 Shanghai Jiao Tong University 2 Shanghai AI Laboratory",
        [SJTU, "Shanghai Artificial Intelligence Laboratory"],
    ),
    ("MoE Key Lab of Artificial Intelligence, AI Institute, Shanghai Jiao Tong University", [SJTU]),
    (
        "State Key Laboratory of Software Development Environment, "
        "Beihang University, Beijing, China",
        ["Beihang University"],
    ),
    (
        "College of Computer Science and Technology, Zhejiang University, Hangzhou 310027, China",
        [ZJU],
    ),
    ("School of Data Science, Fudan University", [FUDAN]),
    (
        "Shanghai Key Laboratory of Intelligent Information Processing, "
        "Fudan University, Shanghai, China",
        [FUDAN],
    ),
    ("University of Science and Technology of China, Hefei, Anhui, China", [USTC]),
    (
        "Institute of Automation, Chinese Academy of Sciences, Beijing, China",
        ["Institute of Automation", CAS],
    ),
    ("School of Artificial Intelligence, University of Chinese Academy of Sciences", [UCAS]),
    (
        "Institute of Computing Technology, Chinese Academy of Sciences",
        ["Institute of Computing Technology", CAS],
    ),
    (
        "Harbin Institute of Technology (Shenzhen), Shenzhen, China",
        ["Harbin Institute of Technology"],
    ),
    ("Wuhan University, Wuhan, Hubei, P.R. China", ["Wuhan University"]),
    ("Sun Yat-sen University, Guangzhou, China", ["Sun Yat-sen University"]),
    ("Nanjing University, Nanjing 210023, China", ["Nanjing University"]),
    (
        "National Key Laboratory for Novel Software Technology, Nanjing University",
        ["Nanjing University"],
    ),
    ("Renmin University of China", ["Renmin University of China"]),
    (
        "Gaoling School of Artificial Intelligence, Renmin University of China, Beijing, China",
        ["Renmin University of China"],
    ),
    ("Xi'an Jiaotong University", ["Xi'an Jiaotong University"]),
    (
        "Huazhong University of Science and Technology, Wuhan, China",
        ["Huazhong University of Science and Technology"],
    ),
    (
        "Southern University of Science and Technology (SUSTech), Shenzhen, China",
        ["Southern University of Science and Technology"],
    ),
    ("Westlake University, Hangzhou, Zhejiang, China", ["Westlake University"]),
    ("ShanghaiTech University", ["ShanghaiTech University"]),
    (
        "University of Electronic Science and Technology of China, Chengdu",
        ["University of Electronic Science and Technology of China"],
    ),
    (
        "Beijing University of Posts and Telecommunications",
        ["Beijing University of Posts and Telecommunications"],
    ),
    (
        "Beijing Academy of Artificial Intelligence (BAAI)",
        ["Beijing Academy of Artificial Intelligence"],
    ),
    ("Zhejiang Lab, Hangzhou, China", ["Zhejiang Lab"]),
    ("Peng Cheng Laboratory, Shenzhen, China", ["Peng Cheng Laboratory"]),
    ("清华大学 计算机科学与技术系", [THU]),
    ("北京大学 智能学院, 北京 100871", [PKU]),
    ("Tsinghua Univ., Beijing", [THU]),
    ("Shanghai Jiaotong University", [SJTU]),
    (
        "Dept. of Electronic Engineering, Tsinghua University & Shanghai AI Lab",
        [THU, "Shanghai Artificial Intelligence Laboratory"],
    ),
    ("School of Software & Microelectronics, Peking University", [PKU]),
    # --- Hong Kong, Taiwan, Singapore ---------------------------------------------------
    ("The Hong Kong University of Science and Technology", [HKUST]),
    ("HongKong University of Science and Technology", [HKUST]),
    ("Hong Kong Univ of Science & Technology", [HKUST]),
    (
        "The Hong-Kong University of Science and Technology, Clear Water Bay, Kowloon, Hong Kong",
        [HKUST],
    ),
    ("The Chinese University of Hong Kong, Shatin, N.T., Hong Kong SAR", [CUHK]),
    ("Department of Computer Science, The University of Hong Kong", [HKU]),
    ("City University of Hong Kong", ["City University of Hong Kong"]),
    ("The Hong Kong Polytechnic University", ["Hong Kong Polytechnic University"]),
    ("National Taiwan University, Taipei, Taiwan", ["National Taiwan University"]),
    ("School of Computing, National University of Singapore, Singapore", [NUS]),
    ("S-Lab, Nanyang Technological University, Singapore", [NTU]),
    # --- US / CA ---------------------------------------------------------------------------
    ("Massachusetts Institute of Technology, Cambridge, MA 02139, USA", [MIT]),
    ("MIT CSAIL", [MIT]),
    ("Computer Science and Artificial Intelligence Laboratory, MIT", [MIT]),
    ("Carnegie Mellon University, Pittsburgh, PA, USA", [CMU]),
    ("Language Technologies Institute, Carnegie Mellon University", [CMU]),
    ("Stanford University, Stanford, CA 94305", [STANFORD]),
    ("Dept. of Electrical Engineering and Computer Sciences, UC Berkeley", [BERKELEY]),
    ("University of California, Berkeley", [BERKELEY]),
    (
        "Paul G. Allen School of Computer Science & Engineering, "
        "University of Washington, Seattle, WA",
        [UW],
    ),
    (
        "University of Illinois at Urbana-Champaign, Urbana, IL 61801",
        ["University of Illinois Urbana-Champaign"],
    ),
    ("Georgia Institute of Technology, Atlanta, GA 30332", ["Georgia Institute of Technology"]),
    ("Princeton University, Princeton, NJ 08544, USA", ["Princeton University"]),
    ("Courant Institute of Mathematical Sciences, New York University", ["New York University"]),
    ("Department of Statistics, Harvard University, Cambridge, MA", ["Harvard University"]),
    ("University of Michigan, Ann Arbor", ["University of Michigan"]),
    ("Northwestern University, Evanston, IL, USA", ["Northwestern University"]),
    ("The University of Texas at Austin", ["The University of Texas at Austin"]),
    ("University of Toronto and Vector Institute", ["University of Toronto", "Vector Institute"]),
    (
        "Mila - Quebec AI Institute, Université de Montréal",
        ["Mila - Quebec Artificial Intelligence Institute", "Université de Montréal"],
    ),
    (
        "Mila, McGill University",
        ["Mila - Quebec Artificial Intelligence Institute", "McGill University"],
    ),
    ("Allen Institute for AI, Seattle, WA", [AI2]),
    (
        "Department of Mathematics, University of Central Florida, Orlando, FL 32816-1364",
        ["University of Central Florida"],
    ),
    # --- Europe ------------------------------------------------------------------------------
    ("University of Oxford, UK", ["University of Oxford"]),
    (
        "Department of Engineering, University of Cambridge, Cambridge CB2 1PZ, United Kingdom",
        ["University of Cambridge"],
    ),
    ("ETH Zürich, Switzerland", ["ETH Zurich"]),
    ("ETH Zurich", ["ETH Zurich"]),
    ("EPFL, Lausanne, Switzerland", ["École Polytechnique Fédérale de Lausanne"]),
    ("Technical University of Munich, Munich, Germany", ["Technical University of Munich"]),
    ("Technische Universität Darmstadt", ["Technische Universität Darmstadt"]),
    (
        "Max Planck Institute for Intelligent Systems, Tübingen, Germany",
        ["Max Planck Institute for Intelligent Systems"],
    ),
    (
        "University of Tübingen, Tübingen AI Center",
        ["University of Tübingen", "Tübingen AI Center"],
    ),
    ("Inria, Université PSL, Paris, France", [INRIA, "Université Paris Sciences et Lettres"]),
    (
        "Univ. Grenoble Alpes, Inria, CNRS, Grenoble INP, LJK, 38000 Grenoble, France",
        [
            "Université Grenoble Alpes",
            INRIA,
            "Centre National de la Recherche Scientifique",
            "Institut polytechnique de Grenoble",
        ],
    ),
    (
        "Sorbonne Université, CNRS, ISIR, F-75005 Paris, France",
        ["Sorbonne Université", "Centre National de la Recherche Scientifique"],
    ),
    ("University of Amsterdam, Amsterdam, the Netherlands", ["University of Amsterdam"]),
    ("KU Leuven, Belgium", ["KU Leuven"]),
    ("University of Edinburgh, Edinburgh, Scotland", ["University of Edinburgh"]),
    ("University College London, London WC1E 6BT, UK", ["University College London"]),
    ("Imperial College London", ["Imperial College London"]),
    ("Universidade da Coruña, A Coruña, Spain", ["Universidade da Coruña"]),
    (
        "Departamento de Física, Centro de Investigación y de Estudios Avanzados del IPN, "
        "A.P. 14-740, 07000 México D.F., México",
        ["Centro de Investigación y de Estudios Avanzados del Instituto Politécnico Nacional"],
    ),
    ("Politecnico di Milano, Milan, Italy", ["Politecnico di Milano"]),
    ("Aalto University, Espoo, Finland", ["Aalto University"]),
    # --- Asia-Pacific ------------------------------------------------------------------------
    ("The University of Tokyo, Tokyo, Japan", ["The University of Tokyo"]),
    ("Kyoto University, Kyoto, Japan", ["Kyoto University"]),
    ("RIKEN Center for Advanced Intelligence Project (AIP), Tokyo, Japan", ["RIKEN"]),
    ("RIKEN AIP", ["RIKEN"]),
    ("KAIST, Daejeon, Republic of Korea", ["Korea Advanced Institute of Science and Technology"]),
    ("Seoul National University, Seoul, Korea", ["Seoul National University"]),
    ("POSTECH, Pohang, South Korea", ["Pohang University of Science and Technology"]),
    ("Yonsei University", ["Yonsei University"]),
    (
        "Indian Institute of Technology Bombay, Mumbai, India",
        ["Indian Institute of Technology Bombay"],
    ),
    ("The University of Melbourne, Victoria, Australia", ["The University of Melbourne"]),
    ("Monash University, Clayton, VIC, Australia", ["Monash University"]),
    # --- companies ---------------------------------------------------------------------------
    ("Google Research", [GOOGLE]),
    ("Google Research, Mountain View, CA", [GOOGLE]),
    ("Google DeepMind, London, UK", [DEEPMIND]),
    ("DeepMind", [DEEPMIND]),
    ("Meta AI", [META]),
    ("FAIR, Meta", [META]),
    ("FAIR at Meta", [META]),
    ("Facebook AI Research", [META]),
    ("Microsoft Research, Redmond, WA, USA", [MICROSOFT]),
    ("Microsoft Research Asia, Beijing, China", [MSRA]),
    ("Microsoft", [MICROSOFT]),
    ("NVIDIA", [NVIDIA]),
    ("NVIDIA Research, Santa Clara, CA", [NVIDIA]),
    ("IBM Research", [IBM]),
    ("IBM Research AI, Yorktown Heights, NY, USA", [IBM]),
    ("IBM Research - Tokyo, Japan", ["IBM Research - Tokyo"]),
    ("Alibaba Group, Hangzhou, China", [ALIBABA]),
    ("DAMO Academy, Alibaba Group", [ALIBABA]),
    ("Qwen Team, Alibaba Group", [ALIBABA]),
    ("Tencent AI Lab, Shenzhen, China", [TENCENT]),
    ("Tencent", [TENCENT]),
    ("Huawei Noah's Ark Lab", [HUAWEI]),
    ("Noah's Ark Lab, Huawei Technologies", [HUAWEI]),
    ("Huawei Technologies Co., Ltd.", [HUAWEI]),
    ("ByteDance", [BYTEDANCE]),
    ("ByteDance Seed", [BYTEDANCE]),
    ("Baidu Inc., Beijing, China", [BAIDU]),
    ("Kuaishou Technology", ["Kuaishou (China)"]),
    ("Meituan", ["Meituan (China)"]),
    ("Zhipu AI", ["Zhipu AI (China)"]),
    ("MiniMax", ["MiniMax (People's Republic of China)"]),
    ("StepFun", ["StepFun AI (China)"]),
    ("01.AI", ["01.AI (China)"]),
    ("Moonshot AI", ["Moonshot AI (China)"]),
    ("Ant Group", ["Ant Group"]),
    ("Samsung Research, Seoul, Korea", ["Samsung (South Korea)"]),
    ("Sony AI", ["Sony (Japan)"]),
    ("NTT Communication Science Laboratories, Kyoto, Japan", ["NTT"]),
    ("NAVER AI Lab", ["NAVER Cloud (South Korea)"]),
    ("LG AI Research", ["LG AI Research (South Korea)"]),
    ("Apple", ["Apple (United States)"]),
    ("Adobe Research", ["Adobe"]),
    ("Salesforce Research", ["Salesforce (United States)"]),
    ("Amazon", ["Amazon (United States)"]),
    ("OpenAI", ["OpenAI (United States)"]),
    ("Anthropic", ["Anthropic (United States)"]),
    ("Intel Labs", ["Intel (United States)"]),
    ("Xiaomi Inc.", ["Xiaomi"]),
    ("SenseTime Research", ["SenseTime"]),
    ("Acme Robotics Inc.", ["~Acme Robotics Inc"]),
    ("Quantum Leap Technologies GmbH, Berlin, Germany", ["~Quantum Leap Technologies GmbH"]),
    # --- organisations the registry lacks, kept for editors ------------------------------
    (
        "Department of Physics, Kessler Polytechnic University, Ruritania",
        ["~Kessler Polytechnic University"],
    ),
    ("Institute for Advanced Foo Studies", ["~Institute for Advanced Foo Studies"]),
    # --- junk: nothing is an institution -----------------------------------------------------
    ("This work was supported by the National Science Foundation under grant IIS-1234567", []),
    ("Supported by NSFC grant 62076001 and the National Key R&D Program of China", []),
    ("Published as a conference paper at ICLR 2024", []),
    (
        "Proceedings of the 40th International Conference on Machine Learning, "
        "Honolulu, Hawaii, USA. PMLR 202, 2023",
        [],
    ),
    ("Accepted to the 2023 Conference on Empirical Methods in Natural Language Processing", []),
    ("37th Conference on Neural Information Processing Systems (NeurIPS 2023)", []),
    ("Preprint. Under review.", []),
    ("© 2023 Association for Computing Machinery.", []),
    ("Copyright 2024 by the author(s).", []),
    ("This work is licensed under a Creative Commons Attribution 4.0 International License.", []),
    ("∗Equal contribution. †Corresponding author.", []),
    ("*Work done during an internship at Microsoft Research Asia.", []),
    ("Work done while the author was at Google.", []),
    ("Correspondence to: Jane Doe <jane@cs.stanford.edu>", []),
    ("{alice, bob}@mails.tsinghua.edu.cn", []),
    ("https://github.com/some-org/some-repo", []),
    ("Keywords: large language models, reasoning, reinforcement learning", []),
    ("Figure 1: Overview of our framework.", []),
    ("As shown by Guo et al. [12] and Lin et al. (2023)", []),
    ("YAXIONG XIE and KYLE JAMIESON", []),
    ("John A. Smith, Mary B. Jones, and Wei Zhang", []),
    ("Zhangxuan Gu1,2, Changhua Meng2, Ke Wang2", []),
    ("Max Welling1,2, Florence Wu3 and Victoria Lin", []),
    ("Georgia Gkioxari, Paris Smaragdis, Sydney Chen", []),
    ("Beijing, China", []),
    ("Cambridge, MA 02139, USA", []),
    ("P.O. Box 1234, 5600 MB Eindhoven", []),
    ("77 Massachusetts Avenue, Cambridge, MA", []),
    ("Department of Computer Science", []),
    ("School of Electrical Engineering and Computer Science", []),
    ("Research Team", []),
    ("Technical Report", []),
    ("Under review as a conference paper at ICLR 2025", []),
    ("Project page: https://example.github.io/project", []),
    ("Code and data are available at github.com/foo/bar", []),
    ("Deep Learning for Laboratory Medicine: A Survey", []),
    # --- marks ---------------------------------------------------------------------------------
    ("?Georgia Institute of Technology", ["Georgia Institute of Technology"]),
    ("□Allen Institute for AI", [AI2]),
    ("⋄Northwestern University", ["Northwestern University"]),
    ("\ue000Stanford University", [STANFORD]),
    ("\ufffdPrinceton University", ["Princeton University"]),
    ("ᵃTsinghua University ᵇPeking University", [THU, PKU]),
    (
        "1Zhejiang University 2Westlake University 3Ant Group",
        [ZJU, "Westlake University", "Ant Group"],
    ),
    (
        "a Fudan University, b Shanghai AI Laboratory",
        [FUDAN, "Shanghai Artificial Intelligence Laboratory"],
    ),
    ("♠Carnegie Mellon University ♣Meta AI", [CMU, META]),
    # --- a second round, written after the rules above and run once before any fix ---------
    (
        "School of Computer Science and Engineering, Nanyang Technological University, "
        "50 Nanyang Avenue, Singapore 639798",
        ["Nanyang Technological University"],
    ),
    (
        "Institute for Interdisciplinary Information Sciences, Tsinghua University",
        ["Tsinghua University"],
    ),
    ("Wangxuan Institute of Computer Technology, Peking University", ["Peking University"]),
    (
        "School of Cyber Science and Engineering, Wuhan University, Wuhan 430072, P. R. China",
        ["Wuhan University"],
    ),
    (
        "Key Laboratory of Machine Perception (MOE), "
        "School of Intelligence Science and Technology, Peking University",
        ["Peking University"],
    ),
    (
        "Department of Automation, Tsinghua University; Beijing National "
        "Research Center for Information Science and Technology",
        ["Tsinghua University"],
    ),
    (
        "College of Intelligence and Computing, Tianjin University, Tianjin, China",
        ["Tianjin University"],
    ),
    ("Xidian University, Xi'an 710071, China", ["Xidian University"]),
    ("University of Macau, Macao SAR, China", ["University of Macau"]),
    ("Dept. of CSE, The Chinese Univ. of Hong Kong", ["Chinese University of Hong Kong"]),
    ("National Tsing Hua University, Hsinchu, Taiwan", ["~National Tsing Hua University"]),
    (
        "Department of Electrical and Computer Engineering, "
        "Seoul National University, Seoul 08826, Korea",
        ["Seoul National University"],
    ),
    (
        "Graduate School of Information Science and Technology, The University of Tokyo",
        ["The University of Tokyo"],
    ),
    ("NAVER Cloud, Seongnam, Korea", ["NAVER Cloud (South Korea)"]),
    (
        "Department of Computer Science, ETH Zurich, Universitätstrasse 6, 8092 Zurich",
        ["ETH Zurich"],
    ),
    (
        "Max Planck Institute for Software Systems, Saarbrücken, Germany",
        ["Max Planck Institute for Software Systems"],
    ),
    (
        "Department of Computer Science, University of Oxford, "
        "Wolfson Building, Parks Road, Oxford OX1 3QD",
        ["University of Oxford"],
    ),
    (
        "Mohamed bin Zayed University of Artificial Intelligence, Abu Dhabi, UAE",
        ["~Mohamed bin Zayed University of Artificial Intelligence"],
    ),
    ("Vector Institute for Artificial Intelligence, Toronto, Canada", ["Vector Institute"]),
    (
        "Department of Computer Science, University of Toronto, Toronto, ON M5S 3G4, Canada",
        ["University of Toronto"],
    ),
    ("Toyota Research Institute, Los Altos, CA", ["Toyota Research Institute"]),
    ("Apple Inc., Cupertino, CA", ["Apple (United States)"]),
    ("Amazon AGI", ["Amazon (United States)"]),
    ("NVIDIA Corporation, Santa Clara, CA 95051, USA", ["Nvidia (United States)"]),
    ("Microsoft Research Cambridge, UK", ["Microsoft (United States)"]),
    ("Google, Mountain View, CA, USA", ["Google (United States)"]),
    ("Tencent Hunyuan", ["Tencent (China)"]),
    ("Baidu Research, Sunnyvale, CA", ["Baidu (China)"]),
    ("JD Explore Academy, JD.com Inc.", ["JD.com"]),
    ("Kuaishou Technology, Beijing, China", ["Kuaishou (China)"]),
    (
        "Shanghai Artificial Intelligence Laboratory, Shanghai 200232, China",
        ["Shanghai Artificial Intelligence Laboratory"],
    ),
    (
        "Institute of Software, Chinese Academy of Sciences, Beijing, China",
        ["Institute of Software", "Chinese Academy of Sciences"],
    ),
    ("In Proceedings of the AAAI Conference on Artificial Intelligence", []),
    ("Accepted at NeurIPS 2024 Datasets and Benchmarks Track", []),
    ("Licensed under CC BY 4.0", []),
    ("The first two authors contributed equally to this work.", []),
    ("Our code is available at https://github.com/abc/def", []),
    ("arXiv:2401.01234v2 [cs.CL] 5 Feb 2024", []),
    ("Alice Wang∗ Bob Li∗ Carol Zhou†", []),
    ("ALICE WANG, BOB LI, and CAROL ZHOU", []),
    ("Room 3-401, Building 5, No. 1 Xueyuan Road, Haidian District, Beijing", []),
    ("Funded by the European Union (ERC, ABC, 101234567)", []),
    ("*These authors contributed equally.", []),
    ("Table 1: Results on the Stanford Question Answering Dataset", []),
    ("†Also with Microsoft Research", ["Microsoft (United States)"]),
    (
        "1Stanford University 2UC Berkeley 3Google DeepMind",
        [
            "Stanford University",
            "University of California, Berkeley",
            "Google DeepMind (United Kingdom)",
        ],
    ),
    ("ˆCornell University ‡Columbia University", ["Cornell University", "Columbia University"]),
    (
        "∗University of Washington, †Allen Institute for Artificial Intelligence",
        ["University of Washington", "Allen Institute for Artificial Intelligence"],
    ),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_get()


def found(registry: Registry, line: str) -> list[str]:
    return [
        m.organisation.name if m.organisation else f"~{m.text}"
        for m in registry.organisations_in(line)
    ]


@pytest.mark.parametrize(("line", "expected"), LINES, ids=[line[:50] for line, _ in LINES])
def test_affiliation_line(registry, line, expected):
    assert found(registry, line) == expected


@pytest.mark.parametrize(
    "line", ["?Georgia Institute of Technology", "□Allen Institute for AI", "\ue000Acme Labs Inc."]
)
def test_marks_never_stay_in_the_extracted_text(registry, line):
    (match,) = registry.organisations_in(line)
    assert match.text[0].isalpha()
