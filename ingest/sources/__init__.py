"""Where ingested papers come from, each source behind the interface of `base`.

`base` (Source, Batch), `records` (plain record types), `http` (the polite arXiv session),
`rss` (listing feed), `api` (arXiv API: id lists, submission windows), `recorded` (files).
"""
