// The page side of a map's click-for-history: plain ES5 run in the page (offline HTML, classic
// Notebook, the HTML form in JupyterLab), reading what the figure carries in layout.meta.history
// (src/plot/cellHistory.ts) and drawing its chart with plotly.js beside the map.

/**
 * A script body that, given the drawn map `gd`, the figure `spec` and the element `box`, draws
 * the clicked cell's values over the periods in `box`: the values, Sen's slope per decade, the
 * block centre's lon/lat and region. `box` gets `data-row`, `data-col` and `data-values` (tests
 * and other scripts read them).
 */
export const HISTORY_SCRIPT = `function permafrostHistory(gd, spec, box) {
  var h = spec.layout.meta.history;
  function valueAt(k, r, c) {
    var z = h.values ? h.values[k] : (spec.frames && spec.frames[k] ? spec.frames[k].data[0].z : null);
    var v = z && z[r] ? z[r][c] : null;
    return typeof v === 'number' ? v : null;
  }
  // the middle of a period (1980-1984: 1982), of the later one in a change (1980-1984 \u2192 1990-1994: 1992)
  function years(label, k) { var m = String(label).match(/\\d{4}/g) || []; return m.length >= 2 ? (Number(m[m.length - 2]) + Number(m[m.length - 1])) / 2 : m.length ? Number(m[0]) : 5 * k; }
  function senPerDecade(ys) {
    var s = [];
    for (var i = 0; i < ys.length; i++) for (var j = i + 1; j < ys.length; j++) {
      if (ys[i] !== null && ys[j] !== null) s.push((ys[j] - ys[i]) / (years(h.periods[j], j) - years(h.periods[i], i)));
    }
    if (!s.length) return null;
    s.sort(function (a, b) { return a - b; });
    var m = s.length >> 1;
    return 10 * (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2);
  }
  function lonLat(x, y) {
    var L = h.lonlat;
    if (!L) return null;
    var dx = x - L.x0_km, dy = y - L.y0_km, rho = Math.sqrt(dx * dx + dy * dy);
    var lon = L.lon0_deg + (L.south ? Math.atan2(dx, dy) : Math.atan2(dx, -dy)) * 180 / Math.PI;
    if (lon > 180) lon -= 360; else if (lon <= -180) lon += 360;
    var t = L.rho_km, k = 1;
    while (k < t.length - 1 && t[k] < rho) k++;
    var f = (rho - t[k - 1]) / ((t[k] - t[k - 1]) || 1);
    return { lon: lon, lat: L.lat_deg[k - 1] + f * (L.lat_deg[k] - L.lat_deg[k - 1]) };
  }
  var marker = -1;
  function fmt(v, d) { return (v >= 0 ? '+' : '\\u2212') + Math.abs(v).toFixed(d); }
  gd.on('plotly_click', function (event) {
    var p = event && event.points && event.points[0];
    if (!p || typeof p.x !== 'number' || typeof p.y !== 'number') return;
    var g = h.grid;
    var c = Math.round((p.x - g.x0_km) / g.dx_km), r = Math.round((p.y - g.y0_km) / g.dy_km);
    if (c < 0 || r < 0 || c >= g.width || r >= g.height) return;
    var ys = h.periods.map(function (_, k) { return valueAt(k, r, c); });
    var x = g.x0_km + c * g.dx_km, y = g.y0_km + r * g.dy_km;
    var ll = lonLat(x, y);
    var code = h.regions ? h.regions.codes.charAt(r * g.width + c) : '0';
    var region = code && code !== '0' ? h.regions.names[code.charCodeAt(0) - 97] : '';
    var where = ll ? Math.abs(ll.lat).toFixed(1) + '\\u00b0' + (ll.lat >= 0 ? 'N' : 'S') + ', ' + Math.abs(ll.lon).toFixed(1) + '\\u00b0' + (ll.lon >= 0 ? 'E' : 'W')
      : 'x ' + x.toFixed(0) + ' km, y ' + y.toFixed(0) + ' km';
    var slope = senPerDecade(ys);
    var count = ys.filter(function (v) { return v !== null; }).length;
    var line = count === 0 ? 'No data in this cell' : "Sen's slope " + (slope === null ? 'n/a' : fmt(slope, 2) + ' ' + h.units + ' per decade') + ' \\u00b7 ' + count + ' of ' + ys.length + ' periods';
    var layout = JSON.parse(JSON.stringify(h.figure.layout));
    layout.title.text = where + (region ? ' \\u00b7 ' + region : '') + '<br><span style="font-size:12px">' + line + '</span>';
    var trace = JSON.parse(JSON.stringify(h.figure.data[0]));
    trace.x = h.periods; trace.y = ys;
    box.style.display = '';
    box.setAttribute('data-row', String(r)); box.setAttribute('data-col', String(c)); box.setAttribute('data-values', JSON.stringify(ys));
    // the chosen cell ringed on the map (a trace of its own, after those the period frames update)
    var ring = { type: 'scatter', mode: 'markers', x: [x], y: [y], name: 'chosen cell', showlegend: false, hoverinfo: 'skip',
      marker: { symbol: 'circle-open', size: 16, color: '#000', line: { width: 2.5 } } };
    var ringed = marker >= 0 ? window.Plotly.restyle(gd, { x: [[x]], y: [[y]] }, [marker]) : window.Plotly.addTraces(gd, ring).then(function () { marker = gd.data.length - 1; });
    window.Plotly.react(box, [trace], layout, { displaylogo: false, responsive: true }).then(function () { return ringed; }).then(function () { window.Plotly.Plots.resize(gd); });
  });
}`;
