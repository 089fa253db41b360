import { html, type Html } from '../../html.js';

export interface BarSeries {
  /** CSS class of the bars (colour comes from coord.css). */
  cls: string;
  name: string;
}

/**
 * Grouped vertical bars as inline SVG (one group per label, one bar per series), with the value above each bar and a
 * legend. Every bar carries `data-series`, `data-label` and `data-value` so tests and screen readers can read it.
 */
export function groupedBars(labels: string[], series: BarSeries[], values: number[][], o: { title: string }): Html {
  // The drawing is laid out 640 units wide (more when many days need it) and scaled to its card's width by coord.css, so
  // a day or a month fills the card alike and the text stays about its normal size.
  const left = 30;
  const barW = labels.length > 20 ? 7 : 14;
  const minGroupW = series.length * barW + 12;
  const width = Math.max(640, left + labels.length * minGroupW + 10);
  const groupW = (width - left - 10) / Math.max(1, labels.length);
  const inset = (groupW - series.length * barW) / 2 - 6;
  const chartH = 150;
  const top = 18;
  const height = top + chartH + 34;
  const max = Math.max(1, ...values.flat());
  const scale = (v: number) => (v / max) * chartH;
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  const showEvery = Math.ceil(labels.length / 14);
  return html`<figure class="chart">
<figcaption>${o.title}
  <span class="legend">${series.map((s) => html`<span class="key ${s.cls}"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" class="${s.cls}"/></svg> ${s.name}</span>`)}</span>
</figcaption>
<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="${o.title}">
${ticks.map((v) => html`<g class="tick"><line x1="${left}" x2="${width - 4}" y1="${top + chartH - scale(v)}" y2="${top + chartH - scale(v)}"/><text x="${left - 4}" y="${top + chartH - scale(v) + 4}" text-anchor="end">${v}</text></g>`)}
${labels.map((label, i) => {
  const x0 = left + 6 + inset + i * groupW;
  return html`<g class="group">
  ${series.map((s, k) => {
    const v = values[k]![i] ?? 0;
    const h = scale(v);
    const x = x0 + k * barW;
    return html`<rect class="bar ${s.cls}" data-series="${s.name}" data-label="${label}" data-value="${v}" x="${x}" y="${(top + chartH - h).toFixed(1)}" width="${barW - 2}" height="${h.toFixed(1)}"><title>${label} · ${s.name}: ${v}</title></rect>${v > 0 && labels.length <= 20 ? html`<text class="bar-value" x="${x + (barW - 2) / 2}" y="${(top + chartH - h - 3).toFixed(1)}" text-anchor="middle">${v}</text>` : ''}`;
  })}
  ${i % showEvery === 0 ? html`<text class="axis-label" x="${x0 + (series.length * barW) / 2}" y="${top + chartH + 16}" text-anchor="middle">${label}</text>` : ''}
</g>`;
})}
</svg>
</figure>`;
}

/**
 * A horizontal meter from 0 to `max` with a marker at `target` (when given): share within 24 h, contacts per case against
 * the target. `value` null draws an empty meter.
 */
export function meter(o: { value: number | null; max: number; target?: number; text: string; id: string; good: boolean }): Html {
  const w = 260;
  const h = 18;
  const fill = o.value === null ? 0 : Math.min(1, Math.max(0, o.value / o.max)) * w;
  const mark = o.target === undefined ? null : Math.min(1, o.target / o.max) * w;
  return html`<svg class="meter ${o.good ? 'good' : 'low'}" id="${o.id}" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + 4}" viewBox="0 0 ${w} ${h + 4}" role="img" aria-label="${o.text}">
<rect class="meter-track" y="2" width="${w}" height="${h}" rx="4"/>
<rect class="meter-fill" y="2" width="${fill.toFixed(1)}" height="${h}" rx="4"/>
${mark === null ? '' : html`<line class="meter-target" x1="${mark.toFixed(1)}" x2="${mark.toFixed(1)}" y1="0" y2="${h + 4}"/>`}
</svg>`;
}
