// The platform's one map (templates/_map.html): Leaflet over the configured tiles, or over the
// county outlines shipped with the code when there are none. The page carries its data as JSON
// (<script type="application/json">, no inline script under the Content-Security-Policy); popups
// and tooltips are built as DOM nodes with classes, never HTML with style attributes.
(function () {
  "use strict";
  var TONES = { ok: "#1b7f3b", info: "#1a56db", warn: "#b45309", late: "#b71c1c", off: "#7a828e", done: "#4b5563" };
  var CITY = [[28.55, 113.93], [30.08, 116.93]];  // 九江's extent, before the outlines arrive
  var OUTLINE_CREDIT = "县区界线 © OpenStreetMap contributors, geoBoundaries (ODbL)";

  function readJson(id) {
    if (!id) return null;
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (error) { return null; }
  }

  function popup(properties) {
    var box = document.createElement("div");
    var title = properties.url ? document.createElement("a") : document.createElement("strong");
    if (properties.url) title.href = properties.url;
    title.textContent = properties.title || properties.name || "";
    box.appendChild(title);
    var lines = properties.lines || [];
    if (lines.length) {
      var list = document.createElement("ul");
      list.className = "ms-popup-lines";
      lines.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    return box;
  }

  // What needs attention is drawn last, on top: late, then near its limit, under way, fine, done.
  var DRAW_ORDER = { done: 0, off: 1, ok: 2, info: 3, warn: 4, late: 5 };

  function drawPoints(map, features) {
    var layer = L.featureGroup();
    features.slice().sort(function (a, b) {
      return (DRAW_ORDER[a.properties.tone] || 0) - (DRAW_ORDER[b.properties.tone] || 0);
    }).forEach(function (feature) {
      var c = feature.geometry && feature.geometry.coordinates;
      if (!c) return;
      var colour = TONES[feature.properties.tone] || TONES.info;
      L.circleMarker([c[1], c[0]], { radius: 8, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 0.95 })
        .bindPopup(popup(feature.properties))
        .bindTooltip(feature.properties.title || feature.properties.name || "")
        .addTo(layer);
    });
    return layer.addTo(map);
  }

  function drawGrid(map, features, cell) {
    var counts = {};
    features.forEach(function (feature) {
      var c = feature.geometry && feature.geometry.coordinates;
      if (!c) return;
      var key = Math.floor(c[1] / cell) + ":" + Math.floor(c[0] / cell);
      counts[key] = (counts[key] || 0) + 1;
    });
    var most = 0;
    Object.keys(counts).forEach(function (key) { most = Math.max(most, counts[key]); });
    var layer = L.featureGroup();
    Object.keys(counts).forEach(function (key) {
      var parts = key.split(":");
      var south = Number(parts[0]) * cell, west = Number(parts[1]) * cell;
      var share = counts[key] / most;
      L.rectangle([[south, west], [south + cell, west + cell]],
        { color: "#7f1d1d", weight: 1, fillColor: "#b71c1c", fillOpacity: 0.15 + 0.6 * share })
        .bindTooltip(counts[key] + "件")
        .addTo(layer);
    });
    return layer.addTo(map);
  }

  function shade(values, code) {
    var entry = values && values[code];
    if (!entry) return { fillColor: "#ffffff", fillOpacity: 0.2 };
    var most = 0;
    Object.keys(values).forEach(function (key) { most = Math.max(most, Number(values[key].value) || 0); });
    var share = most ? (Number(entry.value) || 0) / most : 0;
    return { fillColor: "#b71c1c", fillOpacity: 0.1 + 0.6 * share };
  }

  // A county's figure is written on it where it is wide enough to hold the words at this zoom;
  // the small central districts show theirs on hover or tap (and in the table beside the map).
  function labelRegions(map, layer) {
    layer.eachLayer(function (polygon) {
      var bounds = polygon.getBounds();
      var width = map.latLngToLayerPoint(bounds.getNorthEast()).x - map.latLngToLayerPoint(bounds.getSouthWest()).x;
      var roomy = width >= polygon.minshengWords.length * 13;
      polygon.unbindTooltip();
      polygon.bindTooltip(polygon.minshengWords, roomy
        ? { permanent: true, direction: "center", className: "ms-region-label" }
        : { sticky: true });
    });
  }

  function build(element) {
    if (element.dataset.ready) return;
    element.dataset.ready = "1";
    element.textContent = "";
    var features = (readJson(element.dataset.features) || {}).features || [];
    var values = readJson(element.dataset.values);
    var mode = element.dataset.mode || "points";
    var hasTiles = !!element.dataset.tiles;
    var map = L.map(element, { zoomSnap: 0.5, scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.fitBounds(CITY);
    if (hasTiles) {
      var options = { subdomains: element.dataset.subdomains || "abc", maxZoom: 18,
                      attribution: element.dataset.attribution || "" };
      L.tileLayer(element.dataset.tiles, options).addTo(map);
      if (element.dataset.labels) L.tileLayer(element.dataset.labels, options).addTo(map);
    }
    var content = null;
    if (mode === "grid") content = drawGrid(map, features, Number(element.dataset.cell) || 0.01);
    else if (mode === "points") content = drawPoints(map, features);
    // Without tiles the county outlines are the only context: never zoom in past them.
    if (content && content.getLayers().length) map.fitBounds(content.getBounds(), { padding: [24, 24], maxZoom: hasTiles ? 16 : 12 });
    fetch(element.dataset.boundaries, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (outlines) {
        if (!outlines) return;
        var layer = L.geoJSON(outlines, {
          interactive: mode === "regions",
          style: function (feature) {
            var style = { color: hasTiles ? "#1a56db" : "#6b7280", weight: hasTiles ? 2 : 1.2, fill: !hasTiles || mode === "regions",
                          fillColor: "#ffffff", fillOpacity: hasTiles ? 0 : 0.55 };
            if (mode === "regions") Object.assign(style, shade(values, feature.properties.code), { fill: true });
            return style;
          },
          onEachFeature: function (feature, polygon) {
            var entry = values && values[feature.properties.code];
            polygon.minshengWords = feature.properties.name + (entry ? "：" + entry.label : "");
            if (mode !== "regions") polygon.bindTooltip(feature.properties.name, { sticky: true });
          }
        }).addTo(map);
        layer.bringToBack();
        map.attributionControl.addAttribution(OUTLINE_CREDIT);
        if (!content || !content.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        if (mode === "regions") {
          labelRegions(map, layer);
          map.on("zoomend", function () { labelRegions(map, layer); });
        }
      })
      .catch(function () { /* the outlines are decoration: the points and the list stand without them */ });
    element.minshengMap = map;
    element.dispatchEvent(new CustomEvent("ms-map-ready", { detail: { map: map, tones: TONES } }));
  }

  function start() {
    if (typeof L === "undefined") return;
    document.querySelectorAll(".ms-map").forEach(build);
  }

  window.minshengMap = { start: start, tones: TONES };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
