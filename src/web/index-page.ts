// A plain landing page, served at / when the web application has not been built (src/web):
// what is loaded, and where the API is.
import type { LayerSummary } from '../catalogue/catalogue.service.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function indexPage(layers: LayerSummary[], o: { unbuilt?: boolean } = {}): string {
  const rows = layers
    .map(
      (l) =>
        `<tr><td><code>${esc(l.code)}</code></td><td>${esc(l.name_zh)}</td><td>${esc(l.class)}</td><td>${l.active_version ?? '—'}</td><td style="text-align:right">${l.feature_count.toLocaleString('zh-CN')}</td><td>${l.public ? '公开' : '内部'}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>国土空间规划“一张图”实施监督信息系统</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .8rem;text-align:left}</style></head>
<body><h1>国土空间规划“一张图”实施监督信息系统</h1>
${o.unbuilt ? '<p style="color:#b9770e">网页应用尚未构建 (the web application is not built): 运行 <code>npm run build</code> 后重启。</p>' : ''}
<p>资源目录（${layers.length} 个图层）· <a href="/health">运行状态</a> · <a href="/api/layers">图层接口 /api/layers</a> · <a href="/api/review/rulesets/default">审查规则 /api/review</a> · <a href="/access">15分钟生活圈</a></p>
<table><thead><tr><th>代码</th><th>图层</th><th>类别</th><th>版本</th><th>要素数</th><th>公开</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
