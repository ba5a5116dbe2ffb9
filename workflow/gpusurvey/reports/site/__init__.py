"""The web page of the results (``results/site/``): tables, charts, what fits, links."""
