"""Conflict news to a browsable incident and front-line map.

Data flows one way (README, "How it works"): ingest and workers -> reader -> gazetteer/ -> dates ->
extract/ -> merge -> store/ -> frontline -> export -> map/ and app.py.
"""
__version__ = "0.1.0"
