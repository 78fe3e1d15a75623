"""Files in and out: cases as JSON (cases.py) and the network for other tools (export.py)."""
from .cases import MAX_CASE_BYTES, case_json, parse_case_json, read_case, read_case_file, read_text
from .export import FORMATS, Export, export_network, format_for

__all__ = ["FORMATS", "MAX_CASE_BYTES", "Export", "case_json", "export_network", "format_for", "parse_case_json",
           "read_case", "read_case_file", "read_text"]
