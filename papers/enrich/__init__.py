"""AI enrichment: Chinese text, topic hits and institutions for a paper, from an LLM or offline.

`services.paper_enrich` / `services.papers_enrich` are the entry points; the backends only turn
a `PaperSource` into an `Enrichment` and never touch the database.
"""
