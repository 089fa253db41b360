import type { FlowDefinition, Lang, LocalizedText, Step } from '../../../flow/definition.js';
import { html, type Html } from '../../html.js';

interface Edge {
  from: string;
  to: string;
  label: string;
  kind: 'next' | 'case' | 'default' | 'loop' | 'resume';
}

const W = 180;
const H = 48;
const GAP_X = 24;
const GAP_Y = 44;
const MARGIN = 16;
const SIDE = 110; // room on the right for edges that go back up

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const textOf = (t: LocalizedText | undefined, lang: Lang) => (t ? (t[lang] ?? t.id ?? t.en ?? '') : '');

/** What a branch case tests, in a few characters: `consent = true`, `symptoms in [breathing]`. */
function describeCondition(when: Record<string, unknown>): string {
  return Object.entries(when)
    .map(([k, v]) => {
      const key = k.replace(/^answers\./, '');
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const [op, arg] = Object.entries(v as Record<string, unknown>)[0] ?? ['', ''];
        return `${key} ${op.replace(/^\$/, '')} ${JSON.stringify(arg)}`;
      }
      return `${key} = ${JSON.stringify(v)}`;
    })
    .join(' & ');
}

/** The step's outgoing edges: `next` or the following step, each branch case and its default, a collect's "more" loop. */
export function flowEdges(flow: FlowDefinition): Edge[] {
  const edges: Edge[] = [];
  flow.steps.forEach((s, i) => {
    const following = flow.steps[i + 1]?.id;
    switch (s.type) {
      case 'branch':
        s.cases.forEach((c) => edges.push({ from: s.id, to: c.next, label: describeCondition(c.when), kind: 'case' }));
        edges.push({ from: s.id, to: s.default, label: 'default', kind: 'default' });
        break;
      case 'end':
        break;
      default: {
        const to = s.next ?? following;
        if (s.type === 'collect') edges.push({ from: s.id, to: s.id, label: 'more', kind: 'loop' });
        if (to) edges.push({ from: s.id, to, label: s.type === 'handoff' ? 'resume' : '', kind: s.type === 'handoff' ? 'resume' : 'next' });
      }
    }
  });
  const ids = new Set(flow.steps.map((s) => s.id));
  return edges.filter((e) => ids.has(e.to));
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
const LABEL_H = 14;
// 10 px system-ui text averages about 6 px a character (wider fonts more): measure generously, with a gap around.
const labelBox = (x: number, y: number, text: string): Box => ({ x: x - 4, y: y - 11, w: text.length * 6.6 + 8, h: LABEL_H });
const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Where an edge label goes: at its edge's midpoint if that is free, else the nearest free spot a line up or down (branch
 * cases into one layer, and back edges sharing the side lanes, would otherwise print over each other and over boxes).
 */
function placeLabel(x: number, y: number, text: string, taken: Box[]): { x: number; y: number } {
  for (let k = 0; k <= 24; k++) {
    const dy = (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * LABEL_H;
    const box = labelBox(x, y + dy, text);
    if (!taken.some((t) => overlaps(t, box))) {
      taken.push(box);
      return { x, y: y + dy };
    }
  }
  taken.push(labelBox(x, y, text));
  return { x, y };
}

/** Layers by breadth-first distance from the start step; steps it cannot reach go in a last layer of their own. */
function layers(flow: FlowDefinition, edges: Edge[]): Map<string, number> {
  const out = new Map<string, number>();
  const start = flow.start ?? flow.steps[0]!.id;
  out.set(start, 0);
  const queue = [start];
  for (let k = 0; k < queue.length; k++) {
    const id = queue[k]!;
    for (const e of edges) {
      if (e.from === id && !out.has(e.to)) {
        out.set(e.to, out.get(id)! + 1);
        queue.push(e.to);
      }
    }
  }
  const deepest = Math.max(...out.values());
  for (const s of flow.steps) if (!out.has(s.id)) out.set(s.id, deepest + 1);
  return out;
}

function subtitle(s: Step, lang: Lang): string {
  switch (s.type) {
    case 'say':
    case 'ask':
      return textOf(s.text, lang);
    case 'collect':
      return `${s.kind}: ${s.questions.map((q) => q.id).join(', ')}`;
    case 'handoff':
      return `→ tracer (${s.reason}, ${s.priority})`;
    case 'end':
      return textOf(s.text, lang) || 'end';
    case 'branch':
      return `${s.cases.length} case${s.cases.length === 1 ? '' : 's'} + default`;
  }
}

/**
 * A server-rendered SVG diagram of a flow: a box per step (layered by distance from the start), arrows for `next`, branch
 * cases (labelled with their condition) and defaults, a loop on collect steps, dashed arrows where a handoff resumes. Each box
 * carries `data-step` so the editor can jump to the step.
 */
export function flowDiagram(flow: FlowDefinition, lang: Lang): Html {
  const edges = flowEdges(flow);
  const layer = layers(flow, edges);
  const rows = new Map<number, Step[]>();
  for (const s of flow.steps) {
    const l = layer.get(s.id)!;
    rows.set(l, [...(rows.get(l) ?? []), s]);
  }
  const widest = Math.max(...[...rows.values()].map((r) => r.length));
  const inner = widest * W + (widest - 1) * GAP_X;
  const width = inner + 2 * MARGIN + SIDE;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [l, row] of rows) {
    const rowWidth = row.length * W + (row.length - 1) * GAP_X;
    const x0 = MARGIN + (inner - rowWidth) / 2;
    row.forEach((s, k) => pos.set(s.id, { x: x0 + k * (W + GAP_X), y: MARGIN + l * (H + GAP_Y) }));
  }
  const height = MARGIN * 2 + (Math.max(...rows.keys()) + 1) * (H + GAP_Y) - GAP_Y;
  const escalates = new Set(flow.steps.filter((s) => s.type === 'ask' && s.escalate_when).map((s) => s.id));

  let backLane = 0;
  const taken: Box[] = [...pos.values()].map((p) => ({ x: p.x, y: p.y, w: W, h: H }));
  const paths = edges.map((e) => {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    let d: string;
    let lx: number;
    let ly: number;
    if (e.kind === 'loop') {
      const x = a.x + W;
      const y = a.y + H / 2;
      d = `M ${x} ${y - 10} C ${x + 40} ${y - 30}, ${x + 40} ${y + 30}, ${x} ${y + 10}`;
      [lx, ly] = [x + 34, y + 4];
    } else if (layer.get(e.to)! > layer.get(e.from)!) {
      const [x1, y1, x2, y2] = [a.x + W / 2, a.y + H, b.x + W / 2, b.y];
      const bend = Math.max(20, (y2 - y1) / 2);
      d = `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`;
      [lx, ly] = [(x1 + x2) / 2 + 4, (y1 + y2) / 2];
    } else {
      // Back to an earlier (or the same) layer: out of the right side, round the boxes, into the target's right side.
      const lane = 24 + (backLane++ % 5) * 22;
      const x1 = a.x + W;
      const y1 = a.y + H / 2;
      const x2 = b.x + W;
      const y2 = b.y + H / 2;
      const xr = MARGIN + inner + lane;
      d = `M ${x1} ${y1} C ${xr} ${y1}, ${xr} ${y2}, ${x2 + 2} ${y2}`;
      [lx, ly] = [xr - 8, (y1 + y2) / 2];
    }
    const text = clip(e.label, 28);
    const at = e.label ? placeLabel(lx, ly, text, taken) : { x: lx, y: ly };
    const label = e.label ? html`<text class="edge-label" x="${at.x.toFixed(1)}" y="${at.y.toFixed(1)}">${text}</text>` : '';
    return html`<g class="edge edge-${e.kind}"><path d="${d}" marker-end="url(#arrow)"/>${label}</g>`;
  });

  const boxes = flow.steps.map((s) => {
    const p = pos.get(s.id)!;
    const sub = subtitle(s, lang);
    return html`<g class="node node-${s.type}${escalates.has(s.id) ? ' node-escalates' : ''}" data-step="${s.id}" transform="translate(${p.x.toFixed(1)},${p.y.toFixed(1)})">
  <title>${s.id} (${s.type})${sub ? `\n${sub}` : ''}</title>
  <rect width="${W}" height="${H}" rx="7"/>
  <text class="node-type" x="8" y="16">${s.type}${escalates.has(s.id) ? ' ⚠' : ''}</text>
  <text class="node-id" x="${W - 8}" y="16" text-anchor="end">${clip(s.id, 18)}</text>
  <text class="node-text" x="8" y="36">${clip(sub.replace(/\s+/g, ' '), 28)}</text>
</g>`;
  });

  return html`<svg class="flow-diagram" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${flow.id}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>
${paths}
${boxes}
</svg>`;
}
