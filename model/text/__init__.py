"""What people read: labels, guidance per cause, the analyses in words, the CLI table and the
report for a doctor, the diary in words, and the network as a picture."""
from .analyses import MEDICINE_CAUTION, how_sure_line, turning_points, what_if_lines
from .diary import diary_sections, experiment_lines, strength_line, weekly_timeline
from .document import ReportContent, markdown_report, pdf_report, report_content
from .graph import network_dot
from .guidance import Guidance, load_guidance
from .labels import LEVEL_TITLES, NOT_A_DIAGNOSIS, describe, display_label, short_label
from .report import text_table
from .result import ADVICE, Advice, ResultText, contradictions, result_text

__all__ = ["ADVICE", "Advice", "Guidance", "LEVEL_TITLES", "MEDICINE_CAUTION", "NOT_A_DIAGNOSIS", "ReportContent",
           "ResultText", "contradictions", "describe", "diary_sections", "display_label", "experiment_lines",
           "how_sure_line", "load_guidance", "markdown_report", "strength_line", "weekly_timeline",
           "network_dot", "pdf_report", "report_content", "result_text", "short_label", "text_table",
           "turning_points", "what_if_lines"]
