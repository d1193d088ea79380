/* The /map page: facilities by state, open releases, monitoring points and receptors from
   /api/v1/map/features, on Leaflet (vendored under static/vendor/leaflet). Nothing is loaded
   from another host unless MAP_TILE_URL names a base layer. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var settings = JSON.parse(el.getAttribute("data-settings"));
  var labels = settings.labels;
  var status = document.getElementById("map-status");
  var filters = document.getElementById("map-filters");

  /* WGS-84 to GCJ-02, for a base layer drawn in GCJ-02 (MAP_TILE_CRS=gcj02): the same public
     transform as registry/sites/coords.py. */
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  function shiftLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
    return r;
  }
  function shiftLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
    return r;
  }
  function toGcj(lon, lat) {
    if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [lon, lat]; }
    var dLat = shiftLat(lon - 105, lat - 35), dLon = shiftLon(lon - 105, lat - 35);
    var rad = lat / 180 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad);
    var sq = Math.sqrt(magic);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * sq) * PI);
    dLon = (dLon * 180) / (A / sq * Math.cos(rad) * PI);
    return [lon + dLon, lat + dLat];
  }
  var gcj = settings.tile_crs === "gcj02" && settings.tile_url;
  function latLng(c) {
    var p = gcj ? toGcj(c[0], c[1]) : c;
    return L.latLng(p[1], p[0]);
  }

  var b = settings.bounds;
  var district = L.latLngBounds(latLng([b[0], b[1]]), latLng([b[2], b[3]]));
  var map = L.map(el, { maxZoom: 19, attributionControl: !!settings.tile_url });
  if (settings.tile_url) {
    L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
  }
  L.rectangle(district, { color: "#444", weight: 2, fill: false, dashArray: "6 4", interactive: false })
    .bindTooltip(labels.district).addTo(map);
  map.fitBounds(district);

  var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  var releases = L.layerGroup(), points = L.layerGroup(), receptors = L.layerGroup();
  clusters.addTo(map); releases.addTo(map); points.addTo(map); receptors.addTo(map);
  var overlays = {};
  overlays[labels.facilities] = clusters;
  overlays[labels.releases] = releases;
  overlays[labels.points] = points;
  overlays[labels.receptors] = receptors;
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }
  function facilityCard(p) {
    var card = document.createElement("div");
    card.className = "map-card";
    card.appendChild(text("h2", p.name));
    card.appendChild(text("p", labels.states[p.state] || p.state, "state"));
    if (p.red_tagged) { card.appendChild(text("p", labels.red_tagged)); }
    if (p.open_release) { card.appendChild(text("p", labels.open_release)); }
    if (p.near_receptor) { card.appendChild(text("p", labels.near_receptor)); }
    if (p.nearest_receptor_m !== null && p.nearest_receptor_m !== undefined) {
      card.appendChild(text("p", labels.nearest_receptor_m + ": " + Math.round(p.nearest_receptor_m)));
    }
    var link = text("a", labels.open_facility, "facility-link");
    link.href = settings.facility_url.replace(/0$/, String(p.id));
    var para = document.createElement("p");
    para.appendChild(link);
    card.appendChild(para);
    return card;
  }
  function icon(cls, size) {
    return L.divIcon({ className: cls, iconSize: [size, size], html: "" });
  }
  function wanted(p) {
    var f = new FormData(filters);
    return (!f.get("state") || p.state === f.get("state")) &&
      (!f.get("subdistrict") || p.subdistrict === f.get("subdistrict")) &&
      (!f.get("kind") || p.kind === f.get("kind"));
  }

  var data = null;
  function draw() {
    clusters.clearLayers(); releases.clearLayers(); points.clearLayers(); receptors.clearLayers();
    var shown = 0, facilityIds = {};
    data.features.forEach(function (f) {
      var p = f.properties;
      if (p.layer === "facilities" && wanted(p)) {
        facilityIds[p.id] = true;
        shown += 1;
        var cls = "fac-marker state-" + p.state + (p.red_tagged ? " red-tagged" : "");
        var m = L.marker(latLng(f.geometry.coordinates), {
          icon: icon(cls, 16), title: p.name, alt: p.name, keyboard: true, zIndexOffset: 1000
        });
        m.bindPopup(facilityCard(p));
        m.on("add", function () {
          var node = m.getElement();
          if (node) { node.setAttribute("data-facility-id", String(p.id)); node.setAttribute("role", "button"); }
        });
        clusters.addLayer(m);
      }
    });
    data.features.forEach(function (f) {
      var p = f.properties;
      if (p.layer === "releases" && facilityIds[p.facility_id]) {
        L.marker(latLng(f.geometry.coordinates), { icon: icon("release-marker", 10), title: labels.release + " " + p.number, alt: p.number, zIndexOffset: -1000 })
          .bindPopup(text("p", labels.release + " " + p.number)).addTo(releases);
      } else if (p.layer === "points" && facilityIds[p.facility_id]) {
        var c = latLng(f.geometry.coordinates);
        L.marker(L.latLng(c.lat - 0.0003, c.lng + 0.0003), { icon: icon("point-marker" + (p.open_alerts ? " alerting" : ""), 10), title: p.name, alt: p.name, zIndexOffset: -1000 })
          .bindPopup(text("p", labels.point + " " + p.name + " · " + labels.open_alerts + ": " + p.open_alerts)).addTo(points);
      } else if (p.layer === "receptors") {
        var name = (labels.receptor_kinds[p.kind] || p.kind) + ": " + p.name;
        L.geoJSON(f, {
          coordsToLatLng: function (c) { return latLng(c); },
          style: { color: "#00838f", weight: 2, fillOpacity: 0.15 },
          pointToLayer: function (feat, ll) { return L.circleMarker(ll, { radius: 6, color: "#00838f", fillOpacity: 0.7 }); }
        }).bindPopup(text("p", name)).addTo(receptors);
      }
    });
    status.textContent = labels.shown.replace("{count}", String(shown));
  }

  function load() {
    var url = settings.features_url + "?layers=facilities,releases,points,receptors";
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (json) { data = json; draw(); el.setAttribute("data-loaded", "true"); })
      .catch(function () { status.textContent = labels.load_failed; });
  }
  filters.addEventListener("change", function () { if (data) { draw(); } });
  load();
}());
