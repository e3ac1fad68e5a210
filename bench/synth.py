"""Deterministic synthetic papers for benchmarks, shaped after the recorded arXiv fixtures.

Field sizes follow the real data: titles of ~10-15 words, abstracts of ~1,000-1,600 characters
with some LaTeX, 1-8 authors, a primary category plus sometimes a cross-list, one version in
ten replaced, Chinese title/summary/abstract of realistic length. Rows go in through
PostgreSQL COPY, so a million papers take minutes, not hours.

    python -m bench.synth --papers 100000
"""

import argparse
import datetime as dt
import io
import json
import random
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor

GENERATOR_VERSION = 2

_EN_WORDS_TEXT = (
    "language model large reasoning agent alignment instruction tuning pretraining benchmark "
    "evaluation retrieval augmented generation transformer attention diffusion graph neural "
    "network reinforcement learning policy reward preference optimization robustness "
    "adversarial privacy federated distillation quantization sparse mixture experts "
    "multimodal vision speech translation summarization dialogue hallucination factuality "
    "chain thought planning tool use code synthesis mathematical theorem proving contrastive "
    "representation embedding tokenizer scaling law compute efficient inference latency "
    "memory kernel hardware accelerator compression pruning low rank adaptation fine tuning "
    "dataset annotation crowdsourcing bias fairness safety jailbreak red teaming watermark "
    "detection uncertainty calibration causal inference counterfactual explanation "
    "interpretability circuit probing neuron feature steering protein molecule drug discovery "
    "climate weather forecasting time series anomaly recommendation ranking search query "
    "document knowledge base entity relation extraction question answering reading "
    "comprehension multilingual low resource speech recognition synthesis segmentation "
    "detection tracking point cloud robot manipulation navigation simulation world model "
    "video image caption generative adversarial variational autoencoder flow matching score "
    "sampling stochastic gradient convergence bound theoretical analysis empirical study "
    "framework approach method novel state art performance improvement baseline ablation "
    "experiments results demonstrate propose introduce show outperform achieve significant "
    "substantial consistent across tasks domains settings languages datasets models "
    "parameters billion trillion tokens"
)
EN_WORDS = _EN_WORDS_TEXT.split()
_ZH_WORDS_TEXT = (
    "大语言模型 推理 智能体 对齐 指令微调 预训练 基准 评测 检索增强生成 注意力 "
    "扩散模型 图神经网络 强化学习 策略 奖励 偏好优化 鲁棒性 对抗 隐私 联邦学习 "
    "蒸馏 量化 稀疏 混合专家 多模态 视觉 语音 翻译 摘要 对话 幻觉 事实性 思维链 "
    "规划 工具调用 代码生成 数学 定理证明 对比学习 表示 嵌入 分词 缩放定律 "
    "高效推理 延迟 显存 硬件 压缩 剪枝 低秩适配 微调 数据集 标注 偏见 公平性 "
    "安全 越狱 红队测试 水印 检测 不确定性 校准 因果推断 反事实 可解释性 蛋白质 "
    "分子 药物发现 气候 天气预报 时间序列 异常检测 推荐 排序 搜索 知识库 实体 "
    "关系抽取 问答 阅读理解 多语言 低资源 语音识别 分割 跟踪 点云 机器人 操作 "
    "导航 仿真 世界模型 视频 图像描述 生成对抗网络 变分自编码器 流匹配 采样 "
    "随机梯度 收敛 理论分析 实证研究 框架 方法"
)
ZH_WORDS = _ZH_WORDS_TEXT.split()
ZH_GLUE = ("本文提出", "我们研究", "实验表明", "该方法在", "结果显示", "进一步地", "此外", "相比")
LATEX = ("$x<y$", r"$\mathbb{R}^d$", r"$O(n\log n)$", r"$\frac{1}{2}$", r"$\alpha=0.1$", "$k$")
CATEGORIES = ("cs.CL", "cs.AI", "cs.LG", "cs.CV", "cs.RO", "cs.IR", "cs.CR", "stat.ML")
ANNOUNCE_TYPE = {1: "new", 2: "replace"}
PER_DAY = 600


class Corpus:
    """Sentence pools drawn once, then sampled per paper.

    Like real papers, each paper is about one field: most of its sentences come from that
    field's words (clusters of the vocabulary) mixed with common academic words, so a term
    such as "quantization" or "检索增强生成" occurs in a few percent of papers, not all.
    """

    CLUSTER_SIZE = 10
    SENTENCES_PER_CLUSTER = 600

    def __init__(self, rng: random.Random):
        self.rng = rng
        en_glue, en_topical = EN_WORDS[-40:], EN_WORDS[:-40]
        zh_topical = ZH_WORDS
        self.en_clusters = self._clusters(en_topical)
        self.zh_clusters = self._clusters(zh_topical)
        self.en_sentences = [
            [self._en_sentence(cluster, en_glue) for _ in range(self.SENTENCES_PER_CLUSTER)]
            for cluster in self.en_clusters
        ]
        self.zh_phrases = [
            [self._zh_phrase(cluster) for _ in range(self.SENTENCES_PER_CLUSTER)]
            for cluster in self.zh_clusters
        ]

    def _clusters(self, words: list[str]) -> list[list[str]]:
        size = self.CLUSTER_SIZE
        return [words[i : i + size] for i in range(0, len(words), size)]

    def _en_sentence(self, cluster: list[str], glue: list[str]) -> str:
        rng = self.rng
        words = [rng.choice(cluster if rng.random() < 0.5 else glue) for _ in range(20)]
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words)), rng.choice(LATEX))
        return " ".join(words).capitalize() + "."

    def _zh_phrase(self, cluster: list[str]) -> str:
        words = [self.rng.choice(cluster) for _ in range(self.rng.randint(3, 5))]
        return self.rng.choice(ZH_GLUE) + "".join(words) + "。"

    def field(self) -> int:
        """A paper's field: an index into the clusters."""
        return self.rng.randrange(len(self.en_clusters))

    def title(self, field: int) -> str:
        cluster = self.en_clusters[field]
        return " ".join(
            self.rng.choice(cluster).capitalize() for _ in range(self.rng.randint(8, 14))
        )

    def abstract(self, field: int) -> str:
        return " ".join(self.rng.choices(self.en_sentences[field], k=self.rng.randint(7, 11)))

    def zh(self, field: int, phrases: int) -> str:
        pool = self.zh_phrases[field % len(self.zh_phrases)]
        return "".join(self.rng.choices(pool, k=phrases))


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """Streams rows into one table through COPY, filling every other column with its default."""

    def __init__(self, cursor, model, columns: list[str], now: dt.datetime):
        from django.db.models import GeneratedField

        self.cursor = cursor
        self.table = model._meta.db_table
        given = set(columns)
        self.defaults = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or isinstance(field, GeneratedField) or field.attname in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.column] = now
            elif field.has_default():
                self.defaults[field.column] = field.get_default()
            else:
                self.defaults[field.column] = None if field.null else ""
        self.columns = [model._meta.get_field(name).column for name in columns]
        self.tail = "\t".join(_copy_text(v) for v in self.defaults.values())
        self.buffer = io.StringIO()

    def row(self, *values) -> None:
        line = "\t".join(_copy_text(v) for v in values)
        self.buffer.write(f"{line}\t{self.tail}\n" if self.tail else f"{line}\n")

    def flush(self, sender: ThreadPoolExecutor | None = None) -> Future | None:
        """Send the rows so far; with `sender` (one thread), in the background, so the next
        rows are made while PostgreSQL takes these (the caller waits on the returned future
        before touching the cursor again)."""
        columns = ", ".join(f'"{c}"' for c in [*self.columns, *self.defaults])
        data, self.buffer = self.buffer.getvalue(), io.StringIO()

        def send() -> None:
            with self.cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                copy.write(data)

        if sender is None:
            send()
            return None
        return sender.submit(send)


def _announce_days(count: int) -> list[dt.date]:
    """`count` weekdays from 2020-01-02 on."""
    days, day = [], dt.date(2020, 1, 2)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def synth_marker(papers: int, seed: int) -> str:
    return f"arxdaily-synth:{GENERATOR_VERSION}:{papers}:{seed}"


def synth_load(*, papers: int, seed: int = 7, batch: int = 20_000, progress=None) -> bool:
    """Replace the bench database's papers with `papers` synthetic ones; False if already there.

    Every paper is announced, has an accepted hit and sits on a published daily page, so public
    selectors see all of it (the worst case for search and pages).
    """
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg import sql

    from papers.models import (
        Announcement,
        DailyPage,
        Institution,
        Paper,
        PaperAuthor,
        PaperInstitution,
        PaperVersion,
        TopicHit,
    )
    from papers.publication import listing_key
    from topics.models import Topic

    marker = synth_marker(papers, seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('papers_paper'::regclass, 'pg_class')")
        if cursor.fetchone()[0] == marker:
            return False

    rng = random.Random(seed)
    corpus = Corpus(rng)
    now = timezone.now()
    topics = list(Topic.objects.values_list("pk", "categories"))
    active = set(Topic.objects.active().values_list("pk", flat=True))
    tables = ", ".join(
        m._meta.db_table
        for m in (Paper, Institution, DailyPage, TopicHit, Announcement, PaperAuthor)
    )
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            # The rows are consistent by construction: no foreign-key trigger per row (about
            # ten million of them at a million papers), as a restore does.
            cursor.execute("SET LOCAL session_replication_role = replica")
        # Loading first and indexing after is several times faster than keeping the secondary
        # indexes (GIN full-text and trigram above all) up to date row by row.
        loaded = [
            m._meta.db_table
            for m in (Paper, PaperAuthor, PaperInstitution, PaperVersion, Announcement, TopicHit)
        ]
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x"
            " JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
            [loaded],
        )
        secondary_indexes = cursor.fetchall()
        for name, _ in secondary_indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))

        institutions = Copier(cursor, Institution, ["name", "name_zh", "normalized_name"], now)
        for i in range(3_000):
            name = f"University of {corpus.title(i % len(corpus.en_clusters)).split()[0]} {i}"
            institutions.row(name, f"{rng.choice(ZH_WORDS)}大学{i}", name.lower())
        institutions.flush()

        days = _announce_days(papers // PER_DAY + 1)
        page_columns = ["topic_id", "announce_date", "status", "published_at"]
        page = Copier(cursor, DailyPage, page_columns, now)
        for day in days:
            for topic_id, _ in topics:
                page.row(topic_id, day, DailyPage.Status.PUBLISHED, now)
        page.flush()

        paper_cols = [
            "arxiv_id", "version", "title", "abstract", "authors_text", "comments",
            "primary_category", "categories", "submitted_at", "updated_at", "metadata_state",
            "title_zh_machine", "summary_zh_machine", "abstract_zh_machine", "summary_en",
            "zh_reviewed_at", "enrichment_state",
            "published_topics", "published_first", "published_last", "published_listings",
        ]  # fmt: skip
        copiers = {
            "paper": Copier(cursor, Paper, paper_cols, now),
            "author": Copier(cursor, PaperAuthor, ["paper_id", "position", "name"], now),
            "institution": Copier(
                cursor, PaperInstitution, ["paper_id", "institution_id", "position"], now
            ),
            "version": Copier(cursor, PaperVersion, ["paper_id", "version", "submitted_at"], now),
            "announcement": Copier(
                cursor,
                Announcement,
                ["paper_id", "announce_date", "category", "announce_type", "version"],
                now,
            ),
            "hit": Copier(
                cursor,
                TopicHit,
                ["paper_id", "topic_id", "confidence", "reason", "review_state"],
                now,
            ),
        }
        month_seq = Counter()
        in_flight = []
        # Exiting waits for the last rows sent, also on an error (before the rollback).
        with ThreadPoolExecutor(max_workers=1) as sender:
            for index in range(papers):
                paper_id = index + 1
                day = days[index // PER_DAY]
                month_seq[day.strftime("%y%m")] += 1
                version = 2 if rng.random() < 0.1 else 1
                primary = rng.choice(CATEGORIES)
                categories = [primary] + ([rng.choice(CATEGORIES)] if rng.random() < 0.3 else [])
                categories = list(dict.fromkeys(categories))
                field = corpus.field()
                names = [f"{rng.choice(EN_WORDS).capitalize()} {rng.choice(EN_WORDS).capitalize()}"]
                names += [f"Author{rng.randrange(200_000)}" for _ in range(rng.randint(0, 7))]
                submitted = dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC)
                topic_id, _ = topics[index % len(topics)]
                # Its one accepted hit, on its day's published page (papers.publication).
                published = (
                    ([topic_id], day, day, sorted([listing_key(day), listing_key(day, topic_id)]))
                    if topic_id in active
                    else ([], None, None, [])
                )
                copiers["paper"].row(
                    f"{day:%y%m}.{month_seq[day.strftime('%y%m')]:05d}",
                    version, corpus.title(field), corpus.abstract(field), ", ".join(names),
                    f"{rng.randint(6, 40)} pages, {rng.randint(1, 12)} figures",
                    primary, categories, submitted, submitted, Paper.MetadataState.COMPLETE,
                    corpus.zh(field, 2), corpus.zh(field, 4), corpus.zh(field, 12),
                    corpus.abstract(field)[:400],
                    now, Paper.EnrichmentState.DONE, *published,
                )  # fmt: skip
                for position, name in enumerate(names):
                    copiers["author"].row(paper_id, position, name)
                for position, inst in enumerate(rng.sample(range(1, 3_001), rng.randint(1, 3))):
                    copiers["institution"].row(paper_id, inst, position)
                for v in range(1, version + 1):
                    copiers["version"].row(paper_id, v, submitted)
                for category in categories:
                    kind = ANNOUNCE_TYPE[version] if category == primary else "cross"
                    copiers["announcement"].row(paper_id, day, category, kind, version)
                copiers["hit"].row(
                    paper_id,
                    topic_id,
                    round(rng.uniform(0.55, 0.99), 2),
                    corpus.zh(field, 1),
                    "accepted",
                )
                if (index + 1) % batch == 0:
                    for sent in in_flight:  # one batch in flight at a time: bounded memory
                        sent.result()
                    in_flight = [copier.flush(sender) for copier in copiers.values()]
                    if progress:
                        progress(index + 1)
            for sent in in_flight:
                sent.result()
        for copier in copiers.values():
            copier.flush()
        for model in (Paper, Institution, DailyPage, TopicHit, Announcement, PaperAuthor):
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                    "(SELECT coalesce(max(id), 1) FROM {table}))"
                ).format(
                    name=sql.Literal(model._meta.db_table),
                    table=sql.Identifier(model._meta.db_table),
                )
            )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the deferred FKs now
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _, definition in secondary_indexes:
            cursor.execute(definition)
        cursor.execute(f"COMMENT ON TABLE papers_paper IS '{marker}'")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from bench.common import django_setup

    django_setup()
    start = time.perf_counter()

    def progress(done: int) -> None:
        rate = done / (time.perf_counter() - start)
        print(f"\r{done:,} papers, {rate:,.0f}/s", end="", file=sys.stderr, flush=True)

    loaded = synth_load(papers=args.papers, seed=args.seed, progress=progress)
    took = time.perf_counter() - start
    print(f"\n{'loaded' if loaded else 'already loaded'}: {args.papers:,} papers in {took:.1f} s")


if __name__ == "__main__":
    main()
