/* Loaded by geo/offline.py right after leaflet.js as leaflet-image-path.js?images=<folder>.
   Leaflet guesses the default marker's image folder from leaflet.css, but streamlit-folium
   runs the map script before that stylesheet has loaded, and the fallback guess
   (".../leaflet-1.9.3marker-icon.png") 404s. Set the folder explicitly, relative to this script. */
(function () {
  var script = document.currentScript;
  if (!window.L || !script || !script.src) {
    return;
  }
  var images = new URL(script.src).searchParams.get("images");
  if (images) {
    L.Icon.Default.imagePath = new URL(images, script.src).href;
  }
})();
