// The /access map page: one self-contained HTML page over the /api/access endpoints. MapLibre GL
// JS comes from node_modules (/vendor/maplibre-gl/), the style has no basemap and no glyphs (no
// internet): district outlines, isochrones of the chosen type, uncovered parcels, facilities,
// the street network at high zoom, and a click-to-add "what if". Areas in m² and 亩.

export function accessPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>15分钟生活圈 · 步行可达与覆盖</title>
<link rel="stylesheet" href="/vendor/maplibre-gl/maplibre-gl.css">
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif; color: #222; }
  #app { display: flex; height: 100%; }
  #side { width: 400px; overflow-y: auto; padding: 12px 14px; box-sizing: border-box; border-right: 1px solid #ddd; font-size: 13px; }
  #map { flex: 1; }
  h1 { font-size: 17px; margin: 0 0 6px; }
  h2 { font-size: 14px; margin: 14px 0 6px; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border-bottom: 1px solid #eee; padding: 3px 4px; text-align: right; white-space: nowrap; }
  td:first-child, th:first-child { text-align: left; }
  tr.sel { background: #eef5ff; }
  tr.total { font-weight: 600; }
  .muted { color: #777; }
  .bar { display: inline-block; height: 8px; background: #3b7ddd; vertical-align: middle; }
  button, select { font: inherit; }
  .legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px; vertical-align: -2px; }
  #whatif.on { background: #1a7f37; color: #fff; }
  .err { color: #b00020; }
</style></head>
<body><div id="app">
<div id="side">
  <h1>15分钟生活圈 · 步行可达与覆盖</h1>
  <div class="muted" id="runinfo">正在读取计算结果…</div>
  <div style="margin:8px 0"><button id="rerun">按当前数据重新计算</button></div>
  <h2>设施类型</h2>
  <select id="type" style="width:100%"></select>
  <div class="legend muted" style="margin-top:6px"><span style="background:rgba(59,125,221,.35)"></span>步行可达范围<span style="background:rgba(220,50,47,.55)"></span>未覆盖居住用地<span style="background:rgba(26,127,55,.6)"></span>新增覆盖</div>
  <label class="muted"><input type="checkbox" id="allmissing"> 显示缺少任一类设施的居住用地</label>
  <h2>覆盖率（按居住用地面积）</h2>
  <table id="types"></table>
  <h2>分区统计（全部类型）</h2>
  <table id="districts"></table>
  <h2>“如果在此新建” 模拟</h2>
  <div><button id="whatif">点击地图添加拟建设施</button> <button id="clear">清除</button></div>
  <div id="wiresult" class="muted" style="margin-top:6px">选择设施类型后，打开模拟并在地图上点击拟建位置，可多次点击。</div>
</div>
<div id="map"></div>
</div>
<script type="module">
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';

const MU = 10000 / 15;
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const n0 = (v) => Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 0 });
const n2 = (v) => Number(v).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const area = (m2) => n0(m2) + ' m²（' + n2(m2 / MU) + ' 亩）';
const $ = (id) => document.getElementById(id);
const empty = { type: 'FeatureCollection', features: [] };

async function api(path, opts) {
  const r = await fetch(path, opts);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f6f6f3' } }] },
  center: [120.15, 30.25], zoom: 9, attributionControl: false,
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }));

let run = null;
let type = null;
let whatIfOn = false;
const proposed = [];

function setData(id, data) { map.getSource(id)?.setData(data); }

map.on('load', async () => {
  for (const id of ['districts', 'network', 'iso', 'uncovered', 'newly', 'facilities', 'proposed']) map.addSource(id, { type: 'geojson', data: empty });
  map.addLayer({ id: 'iso', type: 'fill', source: 'iso', paint: { 'fill-color': '#3b7ddd', 'fill-opacity': 0.25 } });
  map.addLayer({ id: 'network', type: 'line', source: 'network', minzoom: 13, paint: { 'line-color': '#999', 'line-width': 1 } });
  map.addLayer({ id: 'uncovered', type: 'fill', source: 'uncovered', paint: { 'fill-color': '#dc322f', 'fill-opacity': 0.55 } });
  map.addLayer({ id: 'newly', type: 'fill', source: 'newly', paint: { 'fill-color': '#1a7f37', 'fill-opacity': 0.65 } });
  map.addLayer({ id: 'districts', type: 'line', source: 'districts', paint: { 'line-color': '#555', 'line-width': 1.2, 'line-dasharray': [3, 2] } });
  map.addLayer({ id: 'facilities', type: 'circle', source: 'facilities', paint: { 'circle-radius': 3.5, 'circle-color': ['case', ['get', 'snapped'], '#1f4e9c', '#aaa'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } });
  map.addLayer({ id: 'proposed', type: 'circle', source: 'proposed', paint: { 'circle-radius': 7, 'circle-color': '#1a7f37', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });

  const districts = await api('/api/access/districts');
  setData('districts', districts);
  const b = bounds(districts);
  if (b) map.fitBounds(b, { padding: 20, duration: 0 });
  await loadRun();
});

function bounds(fc) {
  let b = null;
  const walk = (c) => { if (typeof c[0] === 'number') { b = b ? [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])] : [c[0], c[1], c[0], c[1]]; } else c.forEach(walk); };
  fc.features.forEach((f) => walk(f.geometry.coordinates));
  return b && [[b[0], b[1]], [b[2], b[3]]];
}

async function loadRun() {
  try {
    run = await api('/api/access/runs/latest');
  } catch (e) {
    $('runinfo').innerHTML = '尚无计算结果。点击“按当前数据重新计算”。<div class="muted">' + esc(e.message) + '</div>';
    return;
  }
  const v = Object.entries(run.versions).map(([k, x]) => esc(k) + ' v' + (x ?? '—')).join('，');
  $('runinfo').innerHTML = '计算 #' + run.runId + '（' + esc(new Date(run.createdAt).toLocaleString('zh-CN')) + '），步行网络版本 ' + run.networkVersion +
    '<br>数据版本：' + v + '<br>步速 ' + run.params.walkSpeedKmH + ' km/h（' + run.params.walkSpeedMPerMin + ' m/min），最大接入距离 ' + run.params.maxSnapM + ' m；居住用地 ' +
    esc(run.params.residential.layer) + ' ' + run.city.parcels + ' 宗，未接入网络 ' + run.unsnappedParcels + ' 宗';
  const sel = $('type');
  sel.innerHTML = run.byType.map((t) => '<option>' + esc(t.type) + '</option>').join('');
  if (type && run.byType.some((t) => t.type === type)) sel.value = type;
  type = sel.value;
  renderTables();
  await refreshType();
}

function renderTables() {
  const rows = run.byType.map((t) => '<tr' + (t.type === type ? ' class="sel"' : '') + '><td>' + esc(t.type) + '</td><td>' + n2(t.budgetMinutes) + ' 分钟 / ' + n0(t.budgetM) + ' m</td><td>' +
    t.snappedFacilities + '/' + t.facilities + '</td><td title="' + esc(area(t.coveredAreaM2)) + '">' + n2(t.coveredAreaM2 / MU) + ' 亩</td><td><span class="bar" style="width:' +
    Math.round(t.coveragePercent * 0.4) + 'px"></span> ' + n2(t.coveragePercent) + '%</td></tr>');
  $('types').innerHTML = '<tr><th>设施</th><th>步行时间/距离</th><th>设施数</th><th>覆盖面积</th><th>覆盖率</th></tr>' + rows.join('') +
    '<tr class="total"><td>全部类型</td><td></td><td></td><td title="' + esc(area(run.city.coveredAreaM2)) + '">' + n2(run.city.coveredAreaM2 / MU) + ' 亩</td><td>' + n2(run.city.coveragePercent) + '%</td></tr>' +
    '<tr><td colspan="5" class="muted">居住用地合计 ' + esc(area(run.city.residentialAreaM2)) + '；“全部类型”指每类设施均在其步行时间内可达。' +
    (run.city.populationCoveragePercent !== null ? ' 按人口：' + n2(run.city.populationCoveragePercent) + '%。' : '') + '</td></tr>';
  const ti = run.byType.findIndex((t) => t.type === type);
  $('districts').innerHTML = '<tr><th>行政区</th><th>居住用地</th><th>全部类型</th><th>' + esc(type) + '</th></tr>' + run.byDistrict.map((d) =>
    '<tr><td>' + esc(d.name ?? d.code) + '</td><td>' + n2(d.residentialAreaM2 / MU) + ' 亩</td><td>' + n2(d.coveragePercent) + '%</td><td>' + n2(d.byType[ti]?.coveragePercent ?? 0) + '%</td></tr>').join('');
}

let isoTimer = null;
async function refreshType() {
  renderTables();
  const q = encodeURIComponent(type);
  const missing = $('allmissing').checked ? '' : '?type=' + q;
  const [unc, fac] = await Promise.all([api('/api/access/runs/' + run.runId + '/uncovered' + missing), api('/api/access/runs/' + run.runId + '/facilities?type=' + q)]);
  setData('uncovered', unc);
  setData('facilities', fac);
  await refreshView();
}

async function refreshView() {
  if (!run) return;
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
  try {
    const iso = await api('/api/access/isochrones?run=' + run.runId + '&type=' + encodeURIComponent(type) + '&bbox=' + bbox + '&limit=300');
    setData('iso', iso);
    if (map.getZoom() >= 13) setData('network', await api('/api/access/network/edges?id=' + run.networkVersion + '&bbox=' + bbox + '&limit=20000'));
  } catch (e) { console.warn(e); }
}
map.on('moveend', () => { clearTimeout(isoTimer); isoTimer = setTimeout(refreshView, 250); });

$('type').addEventListener('change', async (e) => { type = e.target.value; clearWhatIf(); await refreshType(); });
$('allmissing').addEventListener('change', refreshType);
$('rerun').addEventListener('click', async () => {
  $('rerun').disabled = true;
  $('runinfo').textContent = '正在计算（全市所有设施类型）…';
  try { await api('/api/access/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); await loadRun(); }
  catch (e) { $('runinfo').innerHTML = '<span class="err">计算失败：' + esc(e.message) + '</span>'; }
  finally { $('rerun').disabled = false; }
});
$('whatif').addEventListener('click', () => { whatIfOn = !whatIfOn; $('whatif').classList.toggle('on', whatIfOn); map.getCanvas().style.cursor = whatIfOn ? 'crosshair' : ''; });
$('clear').addEventListener('click', clearWhatIf);

function clearWhatIf() {
  proposed.length = 0;
  setData('proposed', empty);
  setData('newly', empty);
  $('wiresult').textContent = '选择设施类型后，打开模拟并在地图上点击拟建位置，可多次点击。';
}

map.on('click', async (e) => {
  if (whatIfOn && run) {
    proposed.push([e.lngLat.lng, e.lngLat.lat]);
    setData('proposed', { type: 'FeatureCollection', features: proposed.map((p) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } })) });
    $('wiresult').textContent = '正在计算…';
    try {
      const r = await api('/api/access/what-if', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runId: run.runId, type, points: proposed }) });
      setData('newly', r.newlyCovered);
      const unsnapped = r.proposed.filter((p) => !p.snapped).length;
      $('wiresult').innerHTML = '拟建 ' + proposed.length + ' 处' + esc(r.type) + (unsnapped ? '（其中 ' + unsnapped + ' 处距步行网络超过 ' + run.params.maxSnapM + ' m 或隔水，未接入）' : '') +
        '：<br>新增覆盖居住用地 <b>' + esc(area(r.gain.areaM2)) + '</b>，' + r.gain.parcels + ' 宗' + (r.gain.population !== null ? '，' + n0(r.gain.population) + ' 人' : '') +
        '<br>' + esc(r.type) + '覆盖率 ' + n2(r.before.type.coveragePercent) + '% → <b>' + n2(r.after.type.coveragePercent) + '%</b>（+' + n2(r.gain.percentPoints) + ' 个百分点）' +
        '<br>全部类型覆盖率 ' + n2(r.before.all.coveragePercent) + '% → ' + n2(r.after.all.coveragePercent) + '%' +
        (r.byDistrict.length ? '<br>' + r.byDistrict.map((d) => esc(d.name ?? d.code) + ' ' + n2(d.before) + '% → ' + n2(d.after) + '%').join('；') : '');
    } catch (err) { $('wiresult').innerHTML = '<span class="err">' + esc(err.message) + '</span>'; }
    return;
  }
  const f = map.queryRenderedFeatures(e.point, { layers: ['facilities', 'uncovered', 'newly'] })[0];
  if (!f) return;
  const p = f.properties;
  let html;
  if (f.layer.id === 'facilities') html = '<b>' + esc(p.name ?? p.fid) + '</b><br>' + (p.snapped === true || p.snapped === 'true' ? '接入步行网络，距离 ' + esc(p.legM) + ' m' : '未接入步行网络');
  else if (f.layer.id === 'uncovered') html = '<b>' + esc(p.fid) + '</b><br>面积 ' + esc(area(p.areaM2)) + '<br>缺少：' + esc(JSON.parse(p.missing || '[]').join('、')) + (p.unsnapped === true || p.unsnapped === 'true' ? '<br>未接入步行网络' : '');
  else html = '<b>' + esc(p.fid) + '</b><br>模拟后新增覆盖';
  new maplibregl.Popup().setLngLat(e.lngLat).setHTML(html).addTo(map);
});
</script>
</body></html>`;
}
