"""The dashboard's view layer (the only code that imports streamlit is app.py beside it; the
helpers here turn the library's results into widget options, rows and words)."""
