import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FlowDefinition } from '../../../flow/definition.js';
import { checkDraft, getDraft } from '../../../services/coordinator/index.js';
import type { WebContext } from '../../context.js';
import { html, type Html } from '../../html.js';
import { csrfField } from '../../layout.js';
import { t } from '../../i18n.js';
import { fragmentOrPage } from './common.js';
import { FlowId, problemList } from './flows.js';
import { lastChoices, SimStore, type Simulation } from './sim-store.js';

const StartBody = z.object({
  flowId: FlowId,
  from: z.union([z.literal('editor'), z.coerce.number().int().positive()]).default('editor'),
  lang: z.enum(['id', 'en']).default('id'),
  source: z.string().max(512 * 1024).optional(),
});
const SendBody = z.union([
  z.object({ choice: z.string().min(1).max(200) }),
  z.object({ text: z.string().max(4096) }),
]);
const SimParams = z.object({ sim: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

/** The simulated chat: transcript, the buttons of the last question, a reply box, and the answers saved so far. */
export function simView(req: FastifyRequest, sim: Simulation): Html {
  const lang = req.lang;
  const st = sim.state;
  const choices = st.status === 'active' ? lastChoices(sim) : [];
  const post = `/coord/sim/${sim.id}/send`;
  const lists = Object.entries(st.lists);
  const answers = Object.entries(st.answers);
  return html`<div class="sim" data-sim="${sim.id}" data-status="${st.status}">
  <div class="sim-head"><span>${sim.source === 'editor' ? t(lang, 'sim_from_editor') : `v${sim.source}`} · ${st.lang}</span> <span class="badge st-${st.status}" id="sim-status">${t(lang, `sim_status_${st.status}`)}</span>${st.stepId ? html` <code>${st.stepId}</code>` : ''}</div>
  <div class="sim-screen" id="sim-screen">${sim.lines.map((l) =>
    l.from === 'note'
      ? html`<div class="sim-note kind-${l.kind ?? ''}">${t(lang, `sim_ev_${l.kind ?? 'error'}`)} ${l.text}</div>`
      : html`<div class="bubble ${l.from}"><div class="text">${l.text}</div></div>`,
  )}</div>
  ${choices.length ? html`<div class="phone-choices sim-choices">${choices.map((c) => html`<form method="post" action="${post}" hx-post="${post}" hx-target="#sim-chat" class="inline">${csrfField(req)}<input type="hidden" name="choice" value="${c.value}"><button type="submit" class="choice">${c.label}</button></form>`)}</div>` : ''}
  <form method="post" action="${post}" hx-post="${post}" hx-target="#sim-chat" class="sim-send" autocomplete="off">
    ${csrfField(req)}<input name="text" id="sim-text" placeholder="${t(lang, 'sim_type')}" aria-label="${t(lang, 'sim_type')}" maxlength="4096"><button type="submit" id="sim-send">${t(lang, 'sim_send')}</button>
  </form>
  <details class="sim-state" open>
    <summary>${t(lang, 'sim_saved', { n: answers.length })}</summary>
    ${answers.length ? html`<dl id="sim-answers">${answers.map(([k, v]) => html`<dt>${k}</dt><dd>${Array.isArray(v) ? v.join(', ') : v === null ? '—' : String(v)}</dd>`)}</dl>` : ''}
    ${lists.map(([k, items]) => html`<h3 class="small">${k} (${items.length})</h3><ol class="sim-list" data-list="${k}">${items.map((it) => html`<li>${Object.entries(it).map(([f, v]) => `${f}: ${Array.isArray(v) ? v.join(', ') : v === null ? '—' : String(v)}`).join(' · ')}</li>`)}</ol>`)}
  </details>
</div>`;
}

/** Start and drive simulations of a flow's editor text or of a published version; nothing is stored or sent. */
export function simulatorRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');
    const store = new SimStore();

    app.post('/coord/sim/start', { preHandler: coordinator, bodyLimit: 1024 * 1024 }, async (req, reply) => {
      const b = StartBody.parse(req.body);
      const lang = req.lang;
      let flow: FlowDefinition | undefined;
      if (b.from === 'editor') {
        // Without scripts the form carries no editor text: simulate the saved draft, else the latest version.
        const source = b.source ?? getDraft(ctx.repos, b.flowId)?.source ?? undefined;
        const checked = source === undefined ? undefined : checkDraft(b.flowId, source);
        if (checked && !checked.valid) {
          const frag = html`<p class="flash error">${t(lang, 'sim_invalid')}</p>${problemList(lang, checked.problems, false)}`;
          return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'tab_simulator'), body: frag }), 422);
        }
        flow = checked ? (JSON.parse(checked.definition) as FlowDefinition) : ctx.flows.latest(b.flowId)?.flow;
      } else {
        flow = ctx.flows.get(b.flowId, b.from);
      }
      if (!flow) {
        const frag = html`<p class="flash error">${t(lang, 'version_not_found')}</p>`;
        return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'tab_simulator'), body: frag }), 404);
      }
      const sim = store.start({ userId: req.auth!.user.id, flowId: b.flowId, source: b.from, flow, lang: b.lang, now: ctx.clock(), defaultCountry: ctx.config.DEFAULT_COUNTRY });
      const frag = simView(req, sim);
      return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'tab_simulator'), body: html`<div id="sim-chat" class="sim-chat">${frag}</div>` }));
    });

    app.post('/coord/sim/:sim/send', { preHandler: coordinator }, async (req, reply) => {
      const { sim: simId } = SimParams.parse(req.params);
      const lang = req.lang;
      const sim = store.get(simId, req.auth!.user.id, ctx.clock());
      if (!sim) {
        const frag = html`<p class="flash error">${t(lang, 'sim_gone')}</p>`;
        return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'tab_simulator'), body: frag }), 404);
      }
      const b = SendBody.parse(req.body);
      if ('choice' in b) store.turn(sim, { kind: 'choice', value: b.choice }, ctx.clock(), ctx.config.DEFAULT_COUNTRY);
      else if (b.text.trim()) store.turn(sim, { kind: 'text', text: b.text }, ctx.clock(), ctx.config.DEFAULT_COUNTRY);
      const frag = simView(req, sim);
      return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'tab_simulator'), body: html`<div id="sim-chat" class="sim-chat">${frag}</div>` }));
    });

  };
}
