"""Reliability tables as the admin shows them (score band → hits, accepted, rejected)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from enrichment.backends.reliability import Band

HEAD = (
    "分数段 / band",
    "命中 / hits",
    "接受 / accepted",
    "拒绝 / rejected",
    "接受率 / accept rate",
    "平均分 / mean score",
)


def bands_html(bands: list[Band]) -> SafeString:
    """One row per band, high scores first; a calibrated scorer's accept rate ≈ its mean score."""

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    rows = format_html_join(
        "",
        "<tr><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                f"{b.low:.1f}",
                f"{b.high:.1f}",
                b.hits,
                b.right,
                b.wrong,
                share(b.right_rate),
                share(b.mean_score),
            )
            for b in reversed(bands)
        ),
    )
    head = format_html_join("", "<th>{}</th>", ((title,) for title in HEAD))
    return format_html('<table class="reliability"><tr>{}</tr>{}</table>', head, rows)
