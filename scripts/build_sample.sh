#!/usr/bin/env bash
# Rebuild data/sample_incidents.geojson from the seed articles: facts only (no article sentences).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-../shared/seeds}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python -m geo ingest "$seeds" --db "$tmp/seeds.gpkg"
python -m geo export --db "$tmp/seeds.gpkg" --out data/sample_incidents.geojson --no-evidence
