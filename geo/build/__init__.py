"""Build-time code: what makes the data files the project ships, run by hand when a source changes.

`control` makes `data/control_baseline.geojson` (`python -m geo control build`), `basemap` makes
`data/basemap.geojson` (`python -m geo.build.basemap`); the gazetteer's build is `geo.gazetteer.build`.
Nothing at run time imports this package: the app, the ingest and the front line read the files.
"""
