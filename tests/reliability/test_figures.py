"""The figures table: areas in a fixed order, each figure judged against its target."""

from tests.reliability.figures import Figure, doc_write, table_render


def test_table_orders_areas_and_marks_figures_off_target(tmp_path):
    figures = [
        Figure("Load", "error responses", 0, 3),
        Figure("Worker killed", "papers lost", 0, 0),
        Figure("Editors", "guesses until lockout", 5, 5, "<="),
    ]
    table = table_render(figures).splitlines()
    assert table[2] == "| Worker killed | papers lost | 0 | 0 | ✓ |"
    assert table[3] == "| Editors | guesses until lockout | <= 5 | 5 | ✓ |"
    assert table[4] == "| Load | error responses | 0 | 3 | ✗ |"
    doc = tmp_path / "reliability.md"
    doc_write(figures, path=doc)
    assert doc.read_text(encoding="utf-8").endswith(table_render(figures) + "\n")
