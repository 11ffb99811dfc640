"""Conflict news to a browsable incident and front-line map.

The pipeline flows one way, one module per stage:
reader -> gazetteer (mentions, places) -> dates -> extract -> merge -> store -> frontline -> export -> app.
"""
__version__ = "0.1.0"
