"""The house rules of docs/architecture.md, checked on the source tree."""
import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gxnlp"
CJK = re.compile(r"[\u3400-\u9fff]")
STAGES = ("io", "parse", "check", "tag", "corpus", "report", "cli")
MAX_LINES = 600
MAX_CJK_LITERALS = 10


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """gxnlp modules imported anywhere in the file (module level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            # `from pkg import module` imports the module; `from module import name` the module
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            targets = subs if len(subs) == len(node.names) else [base] + subs
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name and t != "gxnlp":
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(path, name, set(mods)) for name, path in mods.items()}


def test_no_import_circles():
    g = graph()
    seen, stack, cycles = set(), [], []

    def visit(node, on_path):
        if node in on_path:
            cycles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        on_path.add(node)
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            visit(nxt, on_path)
        stack.pop()
        on_path.discard(node)

    for node in sorted(g):
        visit(node, set())
    assert not cycles, f"import circles: {cycles[:3]}"


def test_the_model_imports_no_stage():
    g = graph()
    for name, deps in g.items():
        if name.startswith("gxnlp.model"):
            stages = {d for d in deps if d.split(".")[1] in STAGES}
            assert not stages, f"{name} imports {stages}"


def test_the_html_layer_never_imports_the_cli():
    for name, deps in graph().items():
        if name.startswith("gxnlp.report"):
            assert not any(d.startswith("gxnlp.cli") for d in deps), name


def test_no_module_over_600_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_chinese_rules_live_in_data_not_code():
    literals = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and CJK.search(node.value)):
                literals[str(path.relative_to(PACKAGE.parent))].append(node.value)
    total = sum(len(v) for v in literals.values())
    assert total <= MAX_CJK_LITERALS, dict(literals)


def test_import_gxnlp_loads_no_heavy_stage():
    code = ("import sys, gxnlp; heavy = [m for m in sys.modules if m.startswith(('gxnlp.corpus', 'gxnlp.report', "
            "'gxnlp.tag', 'pandas', 'sklearn', 'spacy', 'pyarrow', 'duckdb'))]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out
