#!/usr/bin/env bash
# Vendor the JS/CSS/fonts/images that folium maps load from CDNs, so maps work offline.
#
# Every file comes from a pinned npm package (`npm pack NAME@VERSION`) or from the
# pinned folium sdist on PyPI (`pip download`), never from a CDN. The script rebuilds
# geo/static/vendor/ from scratch and writes:
#   geo/static/vendor/manifest.json  CDN URL -> local file, packages, licences, checksums
#   geo/static/vendor/VENDORED.md    the same for humans
# geo/map/offline.py reads manifest.json; add a mapping here when folium or a new plugin
# asks for a URL that localize() rejects, then rerun this script.
#
# Usage: scripts/vendor_assets.sh            (needs npm, and python3 with pip)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/geo/static/vendor"
PYTHON="${PYTHON:-python3}"
FOLIUM_VERSION="0.20.0"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/packages.tsv"
: >"$WORK/assets.tsv"

rm -rf "$DEST"
mkdir -p "$DEST"

PKG=""  # extracted package root of the current package
DIR=""  # its folder under $DEST

# npm_pkg NAME VERSION LICENSE DIR [NOTE]: npm pack + extract; later put/asset calls use it.
npm_pkg() {
    local name="$1" version="$2" license="$3" dir="$4" note="${5:-}"
    local json tgz integrity
    json="$(cd "$WORK" && npm pack "$name@$version" --json --silent)"
    tgz="$(printf '%s' "$json" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["filename"])')"
    integrity="$(printf '%s' "$json" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["integrity"])')"
    PKG="$WORK/x/${name//\//_}-$version"
    mkdir -p "$PKG"
    tar -xzf "$WORK/$tgz" -C "$PKG" --no-same-owner --warning=no-unknown-keyword
    PKG="$PKG/package"
    DIR="$dir"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$version" "$license" "npm" "$integrity" "$dir" "$note" >>"$WORK/packages.tsv"
}

# put SRC DST: copy SRC (relative to the package) to DST (relative to the package folder).
put() {
    mkdir -p "$(dirname "$DEST/$DIR/$2")"
    cp -R "$PKG/$1" "$DEST/$DIR/$2"
}

# asset URL DST: folium's CDN URL URL is served by DST (relative to the package folder).
asset() {
    test -f "$DEST/$DIR/$2" || { echo "missing $DIR/$2 for $1" >&2; exit 1; }
    printf '%s\t%s\n' "$1" "$DIR/$2" >>"$WORK/assets.tsv"
}

# --- folium.Map defaults -------------------------------------------------------------
npm_pkg leaflet 1.9.3 BSD-2-Clause leaflet-1.9.3
put dist/leaflet.js leaflet.js
put dist/leaflet.css leaflet.css
put dist/images images
put LICENSE LICENSE
asset https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js leaflet.js
asset https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css leaflet.css

npm_pkg jquery 3.7.1 MIT jquery-3.7.1
put dist/jquery.min.js jquery.min.js
put LICENSE.txt LICENSE.txt
asset https://code.jquery.com/jquery-3.7.1.min.js jquery.min.js
asset https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js jquery.min.js

npm_pkg bootstrap 5.2.2 MIT bootstrap-5.2.2
put dist/js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js
put dist/css/bootstrap.min.css css/bootstrap.min.css
put LICENSE LICENSE
asset https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js
asset https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css css/bootstrap.min.css

npm_pkg bootstrap 3.4.1 MIT bootstrap-glyphicons-3.4.1 \
    "folium asks for bootstrap 3.0.0's bootstrap-glyphicons.css, which npm does not carry; css/bootstrap-glyphicons.css is the @font-face and .glyphicon rules cut out of bootstrap 3.4.1's dist/css/bootstrap.css, with its Glyphicons Halflings fonts (a superset of 3.0.0's icons)"
put dist/fonts fonts
put LICENSE LICENSE
mkdir -p "$DEST/$DIR/css"
{
    echo "/* Glyphicons rules cut out of bootstrap@3.4.1 dist/css/bootstrap.css by scripts/vendor_assets.sh. MIT, see ../LICENSE */"
    awk '/^@font-face \{/ {on = 1} /^\* \{/ {on = 0} on' "$PKG/dist/css/bootstrap.css"
} >"$DEST/$DIR/css/bootstrap-glyphicons.css"
grep -q 'glyphicon-info-sign:before' "$DEST/$DIR/css/bootstrap-glyphicons.css"
asset https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css css/bootstrap-glyphicons.css

npm_pkg @fortawesome/fontawesome-free 6.2.0 "CC-BY-4.0 AND OFL-1.1 AND MIT" fontawesome-free-6.2.0 \
    "icons CC BY 4.0, fonts SIL OFL 1.1, code MIT"
put css/all.min.css css/all.min.css
put webfonts webfonts
put LICENSE.txt LICENSE.txt
asset https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css css/all.min.css

npm_pkg drmonty-leaflet-awesome-markers 2.0.2 MIT leaflet.awesome-markers-2.0.2 \
    "npm repackaging of Leaflet.awesome-markers 2.0.2 by L. Voogdt (MIT per its package.json); it ships no licence file, so LICENSE comes from leaflet.awesome-markers@2.0.5, the same author's package"
put js/leaflet.awesome-markers.js leaflet.awesome-markers.js
put css/leaflet.awesome-markers.css leaflet.awesome-markers.css
put css/images images
asset https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js leaflet.awesome-markers.js
asset https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css leaflet.awesome-markers.css
npm_pkg leaflet.awesome-markers 2.0.5 MIT leaflet.awesome-markers-2.0.2 "licence file only"
put LICENSE LICENSE

# --- folium's own files (leaflet.awesome.rotate.css, patched Leaflet.heat) --------------
mkdir -p "$WORK/folium"
"$PYTHON" -m pip download --quiet --no-deps --no-binary :all: --dest "$WORK/folium" "folium==$FOLIUM_VERSION"
SDIST="$WORK/folium/folium-$FOLIUM_VERSION.tar.gz"
SDIST_SHA="sha256-$(sha256sum "$SDIST" | cut -d' ' -f1)"
tar -xzf "$SDIST" -C "$WORK/folium" --no-same-owner
PKG="$WORK/folium/folium-$FOLIUM_VERSION"
DIR="folium-$FOLIUM_VERSION"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' folium "$FOLIUM_VERSION" MIT pypi-sdist "$SDIST_SHA" "$DIR" \
    "leaflet.awesome.rotate.css and leaflet_heat.min.js from folium/templates/; the latter is Leaflet.heat (BSD-2-Clause, see LICENSE.leaflet-heat) with folium's weights patch" \
    >>"$WORK/packages.tsv"
put folium/templates/leaflet.awesome.rotate.css leaflet.awesome.rotate.css
put folium/templates/leaflet_heat.min.js leaflet_heat.min.js
put LICENSE.txt LICENSE.txt
asset https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css leaflet.awesome.rotate.css
asset https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js leaflet_heat.min.js
npm_pkg leaflet.heat 0.2.0 BSD-2-Clause "folium-$FOLIUM_VERSION" "licence file only (Leaflet.heat, inside leaflet_heat.min.js)"
put LICENSE LICENSE.leaflet-heat

# --- plugins -------------------------------------------------------------------------
npm_pkg leaflet.markercluster 1.1.0 MIT leaflet.markercluster-1.1.0
put dist/leaflet.markercluster.js leaflet.markercluster.js
put dist/MarkerCluster.css MarkerCluster.css
put dist/MarkerCluster.Default.css MarkerCluster.Default.css
put MIT-LICENCE.txt MIT-LICENCE.txt
asset https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js leaflet.markercluster.js
asset https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css MarkerCluster.css
asset https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css MarkerCluster.Default.css

npm_pkg leaflet.fullscreen 3.0.0 MIT leaflet.fullscreen-3.0.0 "the CDN's .min.js is minified on the fly from Control.FullScreen.js"
put Control.FullScreen.js Control.FullScreen.js
put Control.FullScreen.css Control.FullScreen.css
put icon-fullscreen.svg icon-fullscreen.svg
put LICENSE LICENSE
asset https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js Control.FullScreen.js
asset https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css Control.FullScreen.css

npm_pkg leaflet-minimap 3.6.1 BSD-2-Clause leaflet-minimap-3.6.1 "npm ships only the minified build of cdnjs's Control.MiniMap.js/.css"
put dist/Control.MiniMap.min.js Control.MiniMap.min.js
put dist/Control.MiniMap.min.css Control.MiniMap.min.css
put dist/images images
put LICENSE.txt LICENSE.txt
asset https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js Control.MiniMap.min.js
asset https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css Control.MiniMap.min.css

npm_pkg leaflet-measure 2.1.7 MIT leaflet-measure-2.1.7 "the CDN's .min.css is minified on the fly from leaflet-measure.css"
put dist/leaflet-measure.min.js leaflet-measure.min.js
put dist/leaflet-measure.css leaflet-measure.css
put dist/images images
put LICENSE LICENSE
asset https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js leaflet-measure.min.js
asset https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css leaflet-measure.css

# --- manifest ------------------------------------------------------------------------
"$PYTHON" - "$WORK/packages.tsv" "$WORK/assets.tsv" "$DEST" <<'PY'
import json, os, re, sys

packages_tsv, assets_tsv, dest = sys.argv[1:4]
packages = []
for line in open(packages_tsv, encoding="utf-8"):
    name, version, license_, registry, checksum, folder, note = line.rstrip("\n").split("\t")
    packages.append({"name": name, "version": version, "license": license_, "registry": registry,
                     "checksum": checksum, "folder": folder, "note": note})
assets = dict(line.rstrip("\n").split("\t") for line in open(assets_tsv, encoding="utf-8"))

files = sorted(os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs)
for rel in files:
    if rel.endswith(".css"):
        text = open(os.path.join(dest, rel), encoding="utf-8").read()
        remote = re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")]+)", text)
        if remote:
            sys.exit(f"{rel} still references remote resources: {remote}")

manifest = {"generated_by": "scripts/vendor_assets.sh", "packages": packages,
            "assets": dict(sorted(assets.items())), "files": files}
with open(os.path.join(dest, "manifest.json"), "w", encoding="utf-8") as fh:
    json.dump(manifest, fh, indent=2)
    fh.write("\n")

lines = ["# Vendored web assets", "",
         "Generated by `scripts/vendor_assets.sh`; do not edit by hand. Files come from the pinned",
         "npm packages and the folium sdist below, never from a CDN. `geo/map/offline.py` serves them",
         "in place of the CDN URLs listed in `manifest.json`.", "",
         "| package | version | licence | folder | source checksum | note |",
         "| --- | --- | --- | --- | --- | --- |"]
for p in packages:
    lines.append(f"| {p['name']} | {p['version']} | {p['license']} | `{p['folder']}/` | "
                 f"{p['registry']} `{p['checksum']}` | {p['note']} |")
lines += ["", "## CDN URL -> local file", ""]
lines += [f"- {url} -> `{path}`" for url, path in sorted(assets.items())]
with open(os.path.join(dest, "VENDORED.md"), "w", encoding="utf-8") as fh:
    fh.write("\n".join(lines) + "\n")
print(f"vendored {len(packages)} packages, {len(assets)} CDN URLs, {len(files)} files into {dest}")
PY
