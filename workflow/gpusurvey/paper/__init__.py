"""The paper: the numbers its prose quotes (macros), the errata and provenance appendices and
the XeLaTeX build."""
