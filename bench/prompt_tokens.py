"""Prompt tokens per paper of the openai backend, counted with OpenAI's o200k_base tokenizer.

    DATABASE_URL=sqlite:////tmp/tokens.sqlite3 DJANGO_SETTINGS_MODULE=arxdaily.settings.local \
        python -m bench.prompt_tokens

On a database holding papers (e.g. after `manage.py migrate`, `load_taxonomy` and `ingest
--from-dir papers/sample`, as `make run` does), prints the tokens of the fixed part of the
prompt (instructions + taxonomy, the same for every paper, so providers' prefix caches serve
it) and of each paper's part. Completion tokens need a model: see `make real-llm`.
"""

import statistics

import django


def main() -> None:
    django.setup()
    from bpe_openai import get_encoding

    from enrichment.backends.prompt import system_prompt, user_prompt
    from enrichment.selectors import taxonomy_snapshot
    from enrichment.services import paper_source_get
    from papers.models import Paper

    encoding = get_encoding("o200k_base")
    fixed = len(encoding.encode(system_prompt(taxonomy_snapshot())))
    papers = Paper.objects.prefetch_related("authors")
    per_paper = [len(encoding.encode(user_prompt(paper_source_get(paper=p)))) for p in papers]
    if not per_paper:
        raise SystemExit("no papers: ingest the sample first (see the docstring)")
    print(f"papers: {len(per_paper)}")
    print(f"fixed part (instructions + taxonomy): {fixed} tokens, identical for every paper")
    print(
        f"paper part: median {statistics.median(per_paper):.0f}, "
        f"min {min(per_paper)}, max {max(per_paper)} tokens"
    )
    print(f"prompt per paper: median {fixed + statistics.median(per_paper):.0f} tokens")


if __name__ == "__main__":
    main()
