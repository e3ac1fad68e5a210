"""The project's modules follow the import rules and size limit of docs/architecture.md.

The rules are read from the document's `import-rules` block, so the page and this test cannot
drift. Modules are parsed with `ast`, never imported: what is checked is the source as written,
lazy imports inside functions included.
"""

import ast
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
NOT_PROJECT = {"tests", "bench"}  # top-level packages that are not the project's modules


@dataclass(frozen=True)
class Module:
    name: str  # dotted; a package is named by its directory ("enrichment.backends")
    path: str  # relative to ROOT, "/"-separated
    source: str
    is_package: bool


@dataclass(frozen=True)
class Import:
    importer: Module
    line: int
    target: str  # dotted name of what is imported, resolved to a project module where one is


@dataclass(frozen=True)
class Never:
    importer: str
    targets: tuple[str, ...]
    exceptions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Rules:
    apps: dict[str, tuple[str, ...]]  # app -> what else it may import ("*": any app)
    never: tuple[Never, ...]
    cycles: dict[str, str]  # "apps" / "modules" -> why not
    max_lines: int
    over_max_lines: tuple[str, ...]  # paths waiting to be split


# ---- reading the rules -------------------------------------------------------------------

APP_LINE = re.compile(r"(?P<app>\w+)\s*->\s*(?P<allowed>.*)")
CYCLE_LINE = re.compile(r"never cycle between (?P<what>apps|modules)\s*:\s*(?P<reason>.+)")
NEVER_LINE = re.compile(
    r"never (?P<importer>\S+)\s*->\s*(?P<targets>.+?)"
    r"(?:\s+except\s+(?P<exceptions>.+?))?\s*:\s*(?P<reason>.+)"
)
MAX_LINE = re.compile(r"max lines (?P<limit>\d+)")
OVER_LINE = re.compile(r"over max lines until split:\s*(?P<paths>.*)")


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (text or "").split(",") if name.strip())


def rules_parse(doc: str) -> Rules:
    """The rules of the first ```import-rules block of `doc` (markdown). Raises ValueError
    naming the line for any line the grammar does not know, so a typo cannot turn a rule off."""
    block = re.search(r"^```import-rules\n(.*?)^```", doc, re.MULTILINE | re.DOTALL)
    if block is None:
        raise ValueError("no ```import-rules block")
    apps, never, cycles, max_lines, over = {}, [], {}, None, ()
    for number, raw in enumerate(block.group(1).splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if m := CYCLE_LINE.fullmatch(line):
            cycles[m["what"]] = m["reason"]
        elif m := NEVER_LINE.fullmatch(line):
            never.append(
                Never(m["importer"], _names(m["targets"]), _names(m["exceptions"]), m["reason"])
            )
        elif m := MAX_LINE.fullmatch(line):
            max_lines = int(m["limit"])
        elif m := OVER_LINE.fullmatch(line):
            over = _names(m["paths"])
        elif m := APP_LINE.fullmatch(line):
            apps[m["app"]] = _names(m["allowed"])
        else:
            raise ValueError(f"import-rules line {number}: cannot read {raw!r}")
    if max_lines is None:
        raise ValueError("import-rules: no `max lines N` line")
    return Rules(apps, tuple(never), cycles, max_lines, over)


# ---- reading the modules -----------------------------------------------------------------


def module_at(path: str, source: str) -> Module:
    """The module at `path` (relative to ROOT, e.g. "public/views.py") holding `source`."""
    parts = path.removesuffix(".py").split("/")
    is_package = parts[-1] == "__init__"
    return Module(".".join(parts[:-1] if is_package else parts), path, source, is_package)


def project_modules(apps: Iterable[str]) -> dict[str, Module]:
    """Every module of `apps` by dotted name, migrations excluded."""
    modules = {}
    for app in apps:
        for file in sorted((ROOT / app).rglob("*.py")):
            path = file.relative_to(ROOT)
            if "migrations" not in path.parts:
                module = module_at(path.as_posix(), file.read_text(encoding="utf-8"))
                modules[module.name] = module
    return modules


def _from_base(node: ast.ImportFrom, module: Module) -> str:
    """The absolute dotted name `from <…> import` names in `module`."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    if node.level - 1 >= len(package):
        raise ValueError(f"{module.path}:{node.lineno}: relative import beyond the project")
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(module: Module, known: Collection[str]) -> list[Import]:
    """Every import in `module` at any depth. `from x import y` is `x.y` when that is a module
    in `known`, else `x`; a module importing itself is left out."""
    found = []
    for node in ast.walk(ast.parse(module.source, module.path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, module)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found += [
            Import(module, node.lineno, target)
            for target in dict.fromkeys(targets)
            if target != module.name
        ]
    return sorted(found, key=lambda imp: imp.line)


# ---- checking ----------------------------------------------------------------------------


def _app(name: str) -> str:
    return name.split(".", 1)[0]


def _within(name: str, entry: str) -> bool:
    return entry == "*" or name == entry or name.startswith(entry + ".")


def _parts_match(parts: list[str], pattern: list[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "*":
        return any(_parts_match(parts[i:], pattern[1:]) for i in range(len(parts) + 1))
    return bool(parts) and parts[0] == pattern[0] and _parts_match(parts[1:], pattern[1:])


def name_matches(name: str, pattern: str, apps: Collection[str]) -> bool:
    """Whether dotted `name` fits `pattern`: "project" is any module of `apps`; otherwise a
    "*" part stands for any number of dotted parts, none included."""
    if pattern == "project":
        return _app(name) in apps
    return _parts_match(name.split("."), pattern.split("."))


def _where(imp: Import) -> str:
    return f"{imp.importer.path}:{imp.line} imports {imp.target}"


def app_rule_violations(imports: Iterable[Import], rules: Rules) -> list[str]:
    found = []
    for imp in imports:
        source, target = _app(imp.importer.name), _app(imp.target)
        if target not in rules.apps or target == source:
            continue
        allowed = rules.apps[source]
        if not any(_within(imp.target, entry) for entry in allowed):
            may = f"only {', '.join(allowed)}" if allowed else "no other app"
            found.append(f"{_where(imp)}: {source} may import {may}")
    return found


def never_violations(imports: Iterable[Import], rules: Rules) -> list[str]:
    found = []
    for imp in imports:
        for rule in rules.never:
            if (
                name_matches(imp.importer.name, rule.importer, rules.apps)
                and any(name_matches(imp.target, t, rules.apps) for t in rule.targets)
                and not any(name_matches(imp.target, e, rules.apps) for e in rule.exceptions)
            ):
                found.append(f"{_where(imp)}: {rule.reason}")
    return found


def _strongly_connected(graph: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Tarjan's strongly connected components of `graph` (node -> successor -> evidence)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in graph.get(node, {}):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = {stack.pop()}
            while node not in component:
                component.add(stack.pop())
            components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _shortest_cycle(graph: dict[str, dict[str, Import]], component: set[str]) -> list[str]:
    """The shortest cycle inside `component` through its first node (breadth first), that
    node first and last."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for successor in sorted(graph.get(node, {})):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if successor in component and successor not in came_from:
                came_from[successor] = node
                frontier.append(successor)
    raise ValueError(f"{start} is on no cycle")


def cycle_violations(graph: dict[str, dict[str, Import]], reason: str) -> list[str]:
    """One message per cycle component of `graph`: its shortest cycle through its first node,
    each step with the import that makes it."""
    found = []
    for component in _strongly_connected(graph):
        if len(component) > 1:
            cycle = _shortest_cycle(graph, component)
            steps = [f"{a} ({_where(graph[a][b])})" for a, b in pairwise(cycle)]
            found.append(f"import cycle: {' -> '.join([*steps, cycle[0]])}: {reason}")
    return found


def violations(modules: dict[str, Module], rules: Rules) -> list[str]:
    """Every broken import rule of `modules`, one readable line each."""
    imports = [imp for module in modules.values() for imp in imports_of(module, modules)]
    found = app_rule_violations(imports, rules) + never_violations(imports, rules)
    graphs: dict[str, dict[str, dict[str, Import]]] = {"apps": {}, "modules": {}}
    for imp in imports:
        if imp.target in modules:
            graphs["modules"].setdefault(imp.importer.name, {}).setdefault(imp.target, imp)
        source, target = _app(imp.importer.name), _app(imp.target)
        if target in rules.apps and target != source:
            graphs["apps"].setdefault(source, {}).setdefault(target, imp)
    for what, reason in rules.cycles.items():
        found += cycle_violations(graphs[what], reason)
    return found


# ---- the tests ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rules() -> Rules:
    return rules_parse(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def modules(rules) -> dict[str, Module]:
    return project_modules(rules.apps)


def test_the_rules_cover_every_package_and_name_only_existing_modules(rules, modules):
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_PROJECT
    assert packages == set(rules.apps), "every top-level package needs a line in the rules"
    assert set(rules.cycles) == {"apps", "modules"}
    named = [entry for allowed in rules.apps.values() for entry in allowed if entry != "*"]
    for rule in rules.never:
        named += [rule.importer, *rule.targets, *rule.exceptions]
    for name in named:
        prefix = name.split(".*", 1)[0]
        if _app(prefix) in rules.apps:
            assert prefix in modules, f"docs/architecture.md names {name}: no such module"


def test_every_project_module_follows_the_import_rules(rules, modules):
    found = violations(modules, rules)
    assert not found, "\n".join(found)


def test_imports_are_resolved_to_modules_at_any_depth(modules):
    probe = module_at(
        "editorial/admin/_probe.py",
        "from .. import services\n"
        "from .forms import OptimisticLockForm\n"
        "from enrichment.backends import backend_get\n"
        "import papers.models\n"
        "def later():\n"
        "    from ingest import tasks\n",
    )
    probe_in_package = module_at("editorial/admin/__init__.py", "from . import pages, papers\n")

    assert [(imp.line, imp.target) for imp in imports_of(probe, modules)] == [
        (1, "editorial.services"),
        (2, "editorial.admin.forms"),
        (3, "enrichment.backends"),
        (4, "papers.models"),
        (6, "ingest.tasks"),
    ]
    assert [imp.target for imp in imports_of(probe_in_package, modules)] == [
        "editorial.admin.pages",
        "editorial.admin.papers",
    ]


def test_the_checker_reports_a_write_service_import_and_a_lazy_cycle(rules, modules):
    probes = [
        module_at("public/_probe.py", "from editorial.services import daily_page_publish\n"),
        module_at("public/_probe_a.py", "def later():\n    from public import _probe_b\n"),
        module_at("public/_probe_b.py", "from . import _probe_a\n"),
    ]
    with_probes = {**modules, **{probe.name: probe for probe in probes}}

    found = set(violations(with_probes, rules)) - set(violations(modules, rules))

    app_cycles = {message for message in found if message.startswith("import cycle: editorial")}
    assert found - app_cycles == {
        "public/_probe.py:1 imports editorial.services: "
        f"public may import only {', '.join(rules.apps['public'])}",
        "public/_probe.py:1 imports editorial.services: public never imports write services",
        "import cycle: public._probe_a (public/_probe_a.py:2 imports public._probe_b)"
        " -> public._probe_b (public/_probe_b.py:1 imports public._probe_a) -> public._probe_a:"
        " a lazy import that hides a cycle is still a cycle",
    }
    # editorial's side of the cycle is whichever of its modules reads public.selectors first.
    assert len(app_cycles) == 1
    assert re.fullmatch(
        r"import cycle: editorial \(editorial/\S+\.py:\d+ imports public\.selectors\)"
        r" -> public \(public/_probe\.py:1 imports editorial\.services\) -> editorial:"
        r" apps form layers",
        app_cycles.pop(),
    )


def test_no_project_module_is_over_the_line_limit(rules, modules):
    lengths = {module.path: len(module.source.splitlines()) for module in modules.values()}
    too_long = [
        f"{path} has {n} lines: split it by concern (limit {rules.max_lines})"
        for path, n in sorted(lengths.items())
        if n > rules.max_lines and path not in rules.over_max_lines
    ]
    stale = [
        f"{path} has {lengths.get(path, 0)} lines: take it off `over max lines` in docs/{DOC.name}"
        for path in rules.over_max_lines
        if lengths.get(path, 0) <= rules.max_lines
    ]
    assert not too_long + stale, "\n".join(too_long + stale)
