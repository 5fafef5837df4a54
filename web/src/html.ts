// Text from data never becomes HTML (a district name imported as `西湖区<img onerror=…>` must show
// as those characters). Map popups are built as DOM nodes; the rare place that must produce an
// HTML string escapes every value with escapeHtml. Lint refuses innerHTML/setHTML/v-html.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

export interface PopupLine {
  text: string;
  bold?: boolean;
  muted?: boolean;
}

/** A popup's content as DOM nodes, one line each (for MapLibre's Popup.setDOMContent). */
export function popupContent(lines: readonly PopupLine[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'map-popup';
  for (const l of lines) {
    const el = document.createElement(l.bold ? 'b' : 'div');
    el.textContent = l.text;
    if (l.muted) el.style.color = '#6b7280';
    if (l.bold) el.style.display = 'block';
    box.appendChild(el);
  }
  return box;
}
