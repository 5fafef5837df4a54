// 导出图片: the current map view as a PNG a planner can put in a report — title band, the map, a
// north arrow, a scale bar and the legend of the layers shown — composed on a 2D canvas.
import type { Map as MlMap } from 'maplibre-gl';
import { mapSnapshot, pngBlob } from '../../map/export.ts';
import type { LegendSection } from '../../components/types.ts';

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';

/** Metres per CSS pixel at the map's centre (Web Mercator, 512-pixel tiles). */
export function metresPerPixel(map: MlMap): number {
  const lat = map.getCenter().lat;
  return (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
}

/** A round length (1, 2 or 5 × 10ⁿ m) no longer than `maxM`. */
export function niceLength(maxM: number): number {
  const p = 10 ** Math.floor(Math.log10(maxM));
  return [5, 2, 1].map((k) => k * p).find((v) => v <= maxM) ?? p;
}

export interface ExportText {
  title: string;
  subtitle: string;
  legendTitle: string;
  unit: (m: number) => string;
}

export async function exportView(map: MlMap, legend: LegendSection[], text: ExportText): Promise<Blob> {
  const shot = await mapSnapshot(map);
  const dpr = shot.width / map.getCanvas().clientWidth || 1;
  const head = Math.round(54 * dpr);
  const c = document.createElement('canvas');
  c.width = shot.width;
  c.height = shot.height + head;
  const g = c.getContext('2d')!;
  const px = (v: number) => v * dpr;

  // Title band.
  g.fillStyle = '#173e6b';
  g.fillRect(0, 0, c.width, head);
  g.fillStyle = '#fff';
  g.font = `600 ${px(17)}px ${FONT}`;
  g.textBaseline = 'alphabetic';
  g.fillText(text.title, px(14), px(24));
  g.fillStyle = '#c9d6e6';
  g.font = `${px(11.5)}px ${FONT}`;
  g.fillText(text.subtitle, px(14), px(43));

  g.drawImage(shot, 0, head);
  g.strokeStyle = '#8a97a8';
  g.lineWidth = px(1);
  g.strokeRect(px(0.5), head + px(0.5), c.width - px(1), shot.height - px(1));

  // North arrow, top right.
  const nx = c.width - px(30);
  const ny = head + px(22);
  g.fillStyle = 'rgba(255,255,255,.9)';
  g.beginPath();
  g.arc(nx, ny + px(6), px(17), 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#1f2328';
  g.beginPath();
  g.moveTo(nx, ny - px(6));
  g.lineTo(nx + px(7), ny + px(14));
  g.lineTo(nx, ny + px(9));
  g.lineTo(nx - px(7), ny + px(14));
  g.closePath();
  g.fill();
  g.font = `600 ${px(10)}px ${FONT}`;
  g.textAlign = 'center';
  g.fillText('N', nx, ny - px(8));
  g.textAlign = 'left';

  // Scale bar, bottom left.
  const mpp = metresPerPixel(map);
  const len = niceLength(mpp * 120);
  const w = px(len / mpp);
  const sx = px(14);
  const sy = c.height - px(18);
  g.fillStyle = 'rgba(255,255,255,.88)';
  g.fillRect(sx - px(6), sy - px(20), w + px(12), px(28));
  g.fillStyle = '#1f2328';
  g.fillRect(sx, sy, w, px(3));
  g.fillRect(sx, sy - px(5), px(1.5), px(8));
  g.fillRect(sx + w - px(1.5), sy - px(5), px(1.5), px(8));
  g.font = `${px(11)}px ${FONT}`;
  g.fillText(text.unit(len), sx, sy - px(7));

  // Legend, bottom right.
  const items = legend.flatMap((s) => [{ head: s.title } as const, ...s.items.slice(0, 14).map((i) => ({ item: i }))]).slice(0, 34);
  if (items.length) {
    const lh = px(17);
    const lw = px(210);
    const lhgt = px(30) + items.length * lh;
    const lx = c.width - lw - px(12);
    const ly = c.height - lhgt - px(12);
    g.fillStyle = 'rgba(255,255,255,.94)';
    g.strokeStyle = '#c9d1db';
    g.fillRect(lx, ly, lw, lhgt);
    g.strokeRect(lx, ly, lw, lhgt);
    g.fillStyle = '#173e6b';
    g.font = `600 ${px(12)}px ${FONT}`;
    g.fillText(text.legendTitle, lx + px(10), ly + px(19));
    let y = ly + px(30);
    for (const e of items) {
      if ('head' in e) {
        g.fillStyle = '#334155';
        g.font = `600 ${px(11)}px ${FONT}`;
        g.fillText(clip(g, e.head, lw - px(20)), lx + px(10), y + px(12));
      } else {
        const i = e.item;
        g.fillStyle = i.color;
        g.strokeStyle = i.color;
        g.lineWidth = px(2);
        if (i.kind === 'outline') g.strokeRect(lx + px(14), y + px(4), px(16), px(9));
        else if (i.kind === 'line') g.fillRect(lx + px(14), y + px(7), px(16), px(3));
        else if (i.kind === 'circle') {
          g.beginPath();
          g.arc(lx + px(22), y + px(8.5), px(4.5), 0, Math.PI * 2);
          g.fill();
        } else g.fillRect(lx + px(14), y + px(4), px(16), px(9));
        g.fillStyle = '#1f2328';
        g.font = `${px(11)}px ${FONT}`;
        g.fillText(clip(g, i.label, lw - px(50)), lx + px(38), y + px(12));
      }
      y += lh;
    }
  }
  return pngBlob(c);
}

function clip(g: CanvasRenderingContext2D, s: string, max: number): string {
  if (g.measureText(s).width <= max) return s;
  let t = s;
  while (t.length > 1 && g.measureText(t + '…').width > max) t = t.slice(0, -1);
  return t + '…';
}
