"""Notebooks are kept in git without outputs: run them (CI does, with nbmake) but never commit results.

Strip a notebook with `nbstripout notebooks/*.ipynb` (or Jupyter's "Clear all outputs")
before committing.
"""
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_no_outputs_or_execution_counts(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs or execution counts; run nbstripout on it"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: saved widget state"
