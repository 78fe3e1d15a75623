"""What the wheel carries: every package of model/, its data files, the default priors; and
nothing in the library that reaches into tests/ or the dashboard."""
import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_of_the_library_is_in_the_wheel():
    packages = {str(p.parent.relative_to(ROOT)).replace("/", ".") for p in (ROOT / "model").rglob("__init__.py")}
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert packages <= listed and listed - packages == {"model._priors"}


def test_the_data_files_the_code_reads_are_packaged():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package, patterns in data.items():
        folder = ROOT / ("priors" if package == "model._priors" else package.replace(".", "/"))
        for pattern in patterns:
            assert list(folder.glob(pattern)), (package, pattern)
    for toml in (ROOT / "model").rglob("*.toml"):
        package = str(toml.parent.relative_to(ROOT)).replace("/", ".")
        assert toml.name in data.get(package, []), toml


def test_the_library_never_reads_the_tests_or_the_view():
    for source in (ROOT / "model").rglob("*.py"):
        tree = ast.parse(source.read_text())
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert node.value != "tests" and "tests/" not in node.value, (source, node.value)
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("tests", "dashboard", "streamlit")), (source, node.module)
