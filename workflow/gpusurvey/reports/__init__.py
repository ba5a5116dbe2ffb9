"""The reports: Tables 1-5 (CSV and LaTeX), the figures, the notebooks and ``verify``."""
