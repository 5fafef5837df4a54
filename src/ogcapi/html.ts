// HTML pages of the OGC API (Part 1 /conf/html): plain, readable Chinese pages for people who
// open the service in a browser. No scripts, no external resources. Every value that comes from
// the database or the request goes through esc(): layer names, attribute values and feature ids
// are data, not markup.
import type { Link, CollectionDoc } from './ogcapi.service.ts';

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#f7f7f5}
header{background:#1d4e89;color:#fff;padding:.8em 1.5em}header a{color:#fff}main{padding:1em 1.5em;max-width:72em}
table{border-collapse:collapse;background:#fff;margin:.5em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#eef2f7}code{font-size:.9em}.muted{color:#666}nav.pager a{margin-right:1em}`;

function page(title: string, links: Link[], body: string, crumbs: [string, string | null][]): string {
  const alt = links
    .filter((l) => l.rel === 'alternate')
    .map((l) => `<a href="${esc(l.href)}" type="${esc(l.type)}">${esc(l.title)}</a>`)
    .join(' · ');
  const trail = crumbs.map(([t, h]) => (h ? `<a href="${esc(h)}">${esc(t)}</a>` : esc(t))).join(' / ');
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header>${trail}</header><main><h1>${esc(title)}</h1>${body}<p class="muted">其他格式：${alt || '无'}</p></main></body></html>`;
}

const linkList = (links: Link[]) =>
  `<ul>${links.map((l) => `<li><a href="${esc(l.href)}">${esc(l.title)}</a> <span class="muted">(${esc(l.rel)}, ${esc(l.type)})</span></li>`).join('')}</ul>`;

function crumbsFor(base: string, ...rest: [string, string | null][]): [string, string | null][] {
  return [['一张图要素服务', `${base}?f=html`], ...rest];
}

/** The crumbs of a page under one collection: the service, the layers, the collection, then `rest`. */
function collectionCrumbs(base: string, code: string, title: string, ...rest: [string, string | null][]): [string, string | null][] {
  return crumbsFor(
    base,
    ['图层', `${base}/collections?f=html`],
    [title, `${base}/collections/${encodeURIComponent(code)}?f=html`],
    ...rest,
  );
}

export function landingHtml(base: string, doc: { title: string; description: string; links: Link[] }): string {
  return page(
    doc.title,
    doc.links,
    `<p>${esc(doc.description)}</p>${linkList(doc.links.filter((l) => l.rel !== 'self' && l.rel !== 'alternate'))}`,
    crumbsFor(base),
  );
}

export function conformanceHtml(base: string, doc: { conformsTo: string[]; links: Link[] }): string {
  return page(
    '符合的标准类',
    doc.links,
    `<ul>${doc.conformsTo.map((c) => `<li><code>${esc(c)}</code></li>`).join('')}</ul>`,
    crumbsFor(base, ['符合的标准类', null]),
  );
}

function extentText(c: CollectionDoc): string {
  const b = c.extent.spatial?.bbox[0];
  const t = c.extent.temporal?.interval[0];
  const space = b ? `经度 ${b[0].toFixed(5)}–${b[2].toFixed(5)}，纬度 ${b[1].toFixed(5)}–${b[3].toFixed(5)}` : '暂无数据';
  return `${esc(space)}${t ? `；自 ${esc(t[0]?.slice(0, 10))} 起` : ''}`;
}

const itemsHref = (c: CollectionDoc) => c.links.find((l) => l.rel === 'items' && l.type === 'text/html')?.href ?? '#';
const selfHtml = (c: CollectionDoc) =>
  c.links.find((l) => l.type === 'text/html' && (l.rel === 'self' || l.rel === 'alternate'))?.href ?? '#';

export function collectionsHtml(base: string, doc: { collections: CollectionDoc[]; links: Link[] }): string {
  const rows = doc.collections
    .map(
      (c) =>
        `<tr><td><a href="${esc(selfHtml(c))}"><code>${esc(c.id)}</code></a></td><td>${esc(c.title)}</td><td>${esc(c.description)}</td><td>${extentText(c)}</td><td><a href="${esc(itemsHref(c))}">要素</a></td></tr>`,
    )
    .join('');
  const body = doc.collections.length
    ? `<table><tr><th>代码</th><th>名称</th><th>说明</th><th>范围</th><th></th></tr>${rows}</table>`
    : '<p>没有可浏览的图层。</p>';
  return page('图层（要素集合）', doc.links, body, crumbsFor(base, ['图层', null]));
}

export function collectionHtml(base: string, c: CollectionDoc): string {
  const body = `<table>
<tr><th>代码</th><td><code>${esc(c.id)}</code></td></tr>
<tr><th>名称</th><td>${esc(c.title)}</td></tr>
<tr><th>说明</th><td>${esc(c.description)}</td></tr>
<tr><th>范围</th><td>${extentText(c)}</td></tr>
<tr><th>坐标参照系</th><td>${c.crs.map((x) => `<code>${esc(x)}</code>`).join('<br>')}</td></tr>
<tr><th>存储坐标系</th><td><code>${esc(c.storageCrs)}</code></td></tr>
</table>${linkList(c.links.filter((l) => l.rel !== 'self' && l.rel !== 'alternate'))}`;
  return page(c.title, c.links, body, crumbsFor(base, ['图层', `${base}/collections?f=html`], [c.title, null]));
}

export function queryablesHtml(
  base: string,
  code: string,
  doc: { title: string; properties: Record<string, Record<string, unknown>> },
): string {
  const rows = Object.entries(doc.properties)
    .map(([k, v]) => `<tr><td><code>${esc(k)}</code></td><td>${esc(v.title)}</td><td>${esc(v.type ?? v.format)}</td></tr>`)
    .join('');
  return page(
    `${doc.title} 可查询属性`,
    [],
    `<table><tr><th>属性</th><th>名称</th><th>类型</th></tr>${rows}</table>`,
    collectionCrumbs(base, code, doc.title, ['可查询属性', null]),
  );
}

interface Feature {
  id: string;
  geometry: { type: string } | null;
  properties: Record<string, unknown>;
}

function propsTable(f: Feature): string {
  return Object.entries(f.properties ?? {})
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`)
    .join('');
}

export function itemsHtml(
  base: string,
  a: {
    code: string;
    title: string;
    crs: string;
    numberMatched: number;
    numberReturned: number;
    offset: number;
    features: Feature[];
    links: Link[];
  },
): string {
  const keys = [...new Set(a.features.flatMap((f) => Object.keys(f.properties ?? {})))];
  const itemHref = (f: Feature) => `${base}/collections/${encodeURIComponent(a.code)}/items/${encodeURIComponent(f.id)}?f=html`;
  const rows = a.features
    .map(
      (f) =>
        `<tr><td><a href="${esc(itemHref(f))}">${esc(f.id)}</a></td><td>${esc(f.geometry?.type)}</td>${keys.map((k) => `<td>${esc(f.properties?.[k])}</td>`).join('')}</tr>`,
    )
    .join('');
  const pager = a.links
    .filter((l) => l.rel === 'prev' || l.rel === 'next')
    .map((l) => `<a href="${esc(l.href)}">${esc(l.title)}</a>`)
    .join('');
  const from = a.numberReturned ? a.offset + 1 : 0;
  const body = `<p>共 ${a.numberMatched} 个要素，本页第 ${from}–${a.offset + a.numberReturned} 个。坐标参照系：<code>${esc(a.crs)}</code></p>
<table><tr><th>要素编号</th><th>几何类型</th>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${rows}</table><nav class="pager">${pager}</nav>`;
  return page(`${a.title} 要素`, a.links, body, collectionCrumbs(base, a.code, a.title, ['要素', null]));
}

export function itemHtml(base: string, a: { code: string; title: string; crs: string; feature: Feature; links: Link[] }): string {
  const geom = JSON.stringify(a.feature.geometry);
  const body = `<table><tr><th>要素编号</th><td>${esc(a.feature.id)}</td></tr><tr><th>几何类型</th><td>${esc(a.feature.geometry?.type)}</td></tr>${propsTable(a.feature)}</table>
<p>坐标（<code>${esc(a.crs)}</code>）：</p><pre>${esc(geom.length > 20000 ? `${geom.slice(0, 20000)}…` : geom)}</pre>`;
  return page(
    `${a.title} · ${a.feature.id}`,
    a.links,
    body,
    collectionCrumbs(
      base,
      a.code,
      a.title,
      ['要素', `${base}/collections/${encodeURIComponent(a.code)}/items?f=html`],
      [String(a.feature.id), null],
    ),
  );
}
