import type { ChainGraph, ChainNode } from '../../../services/coordinator/index.js';
import { html, type Html } from '../../html.js';

const NODE_W = 150;
const NODE_H = 40;
const COL_GAP = 70;
const ROW_GAP = 14;
const BAND_GAP = 36;
const MARGIN = 14;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Transmission chains as inline SVG, one horizontal band per connected component: columns are breadth-first levels from the
 * component's earliest-confirmed case, so a chain reads left to right (case → named contact → that contact's own case → …).
 * Cases link to their case page, contacts to their registry entry.
 */
export function chainSvg(graph: ChainGraph, labels: { becameCase: string }): Html {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const adjacency = new Map<string, string[]>();
  for (const e of graph.edges) {
    adjacency.set(e.from, [...(adjacency.get(e.from) ?? []), e.to]);
    adjacency.set(e.to, [...(adjacency.get(e.to) ?? []), e.from]);
  }
  const pos = new Map<string, { x: number; y: number }>();
  let y0 = MARGIN;
  let width = 0;
  for (const comp of graph.components) {
    const cases = comp.map((id) => byId.get(id)).filter((n): n is Extract<ChainNode, { kind: 'case' }> => n?.kind === 'case');
    const root = cases.sort((a, b) => a.confirmedAt - b.confirmedAt || a.refId - b.refId)[0]?.id ?? comp[0]!;
    const level = new Map<string, number>([[root, 0]]);
    const order = [root];
    for (let k = 0; k < order.length; k++) {
      for (const next of adjacency.get(order[k]!) ?? []) {
        if (!level.has(next) && byId.has(next)) {
          level.set(next, level.get(order[k]!)! + 1);
          order.push(next);
        }
      }
    }
    const columns = new Map<number, string[]>();
    for (const id of order) columns.set(level.get(id)!, [...(columns.get(level.get(id)!) ?? []), id]);
    const tallest = Math.max(...[...columns.values()].map((c) => c.length));
    const bandH = tallest * NODE_H + (tallest - 1) * ROW_GAP;
    for (const [l, ids] of columns) {
      const colH = ids.length * NODE_H + (ids.length - 1) * ROW_GAP;
      ids.forEach((id, k) => pos.set(id, { x: MARGIN + l * (NODE_W + COL_GAP), y: y0 + (bandH - colH) / 2 + k * (NODE_H + ROW_GAP) }));
    }
    width = Math.max(width, MARGIN * 2 + columns.size * NODE_W + (columns.size - 1) * COL_GAP);
    y0 += bandH + BAND_GAP;
  }
  const height = Math.max(60, y0 - BAND_GAP + MARGIN);
  const edges = graph.edges
    .filter((e) => pos.has(e.from) && pos.has(e.to))
    .map((e) => {
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      const forward = b.x > a.x;
      const [x1, x2] = forward ? [a.x + NODE_W, b.x] : [a.x, b.x + NODE_W];
      const [y1, y2] = [a.y + NODE_H / 2, b.y + NODE_H / 2];
      const mid = (x1 + x2) / 2;
      const title = e.kind === 'became_case' ? labels.becameCase : [e.setting, e.lastContactDate].filter(Boolean).join(' · ');
      return html`<path class="chain-edge ${e.kind}" d="M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}" marker-end="url(#chain-arrow)"><title>${title}</title></path>`;
    });
  const nodes = graph.nodes
    .filter((n) => pos.has(n.id))
    .map((n) => {
      const p = pos.get(n.id)!;
      const href = n.kind === 'case' ? `/coord/cases/${n.refId}` : `/coord/contacts/${n.refId}`;
      const line2 = n.kind === 'case' ? n.externalId : (n.area ?? '');
      return html`<a href="${href}" class="chain-node ${n.kind}" data-node="${n.id}"><g transform="translate(${p.x},${p.y})">
  <rect width="${NODE_W}" height="${NODE_H}" rx="${n.kind === 'case' ? 4 : 18}"/>
  <text x="10" y="17">${clip(n.label, 20)}</text>
  <text class="sub" x="10" y="32">${clip(line2, 24)}</text>
</g></a>`;
    });
  return html`<svg class="chain-graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">
<defs><marker id="chain-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>
${edges}
${nodes}
</svg>`;
}
