"""Charts of a report, drawn with matplotlib (no pyplot global state) in a CJK-capable font:
SVG strings for the dashboard and the review report, PNG files for ``csat report --chart``."""
