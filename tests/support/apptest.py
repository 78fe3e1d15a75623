"""Reading what an AppTest run rendered: chart data, the Graphviz source, the Markdown text."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest


def chart_data(at: AppTest, index: int) -> pd.DataFrame:
    """The data the `index`-th Vega-Lite chart on the page draws (charts are opaque to AppTest's
    own accessors, but the data Streamlit sends to the browser is in the element)."""
    charts = at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")
    proto = charts[index].proto
    if proto.data.data:
        return pa.ipc.open_stream(proto.data.data).read_all().to_pandas()
    return pa.ipc.open_stream(proto.datasets[0].data.data).read_all().to_pandas()


def graphviz_source(at: AppTest) -> str:
    """The DOT source of the first Graphviz chart on the page."""
    return at.get("graphviz_chart")[0].proto.spec


def markdown_text(at: AppTest) -> str:
    """Every Markdown element's text on the page, one after another."""
    return "\n".join(m.value for m in at.markdown)
