import type { InboundMessage } from '../../domain/channel.js';
import type { ConversationState } from '../../flow/types.js';
import type { ConversationService } from '../../services/turn/index.js';
import { MIN, type CasePlan } from './plan.js';

/** The patient's side of a demo interview: what each planned patient answers, sent through the real conversation service. */

export interface InterviewContext {
  caseId: number;
  startCode: string;
  firstAt: number;
  now: number;
  random: () => number;
  /** The conversation's engine state (JSON) and owner, as committed. */
  conversationState: (id: number) => { state: string; owner: string };
}

/** Play the patient's side of the interview through the real pipeline until the plan's outcome or `now`. */
export function interview(service: ConversationService, plan: CasePlan, ctx: InterviewContext): { conversationId: number | null; escalatedAt: number | null; lastAt: number } {
  const userId = plan.channel === 'telegram' ? String(5_000_000_000 + Math.floor(ctx.random() * 1e9)) : `${plan.phone.slice(1)}@s.whatsapp.net`;
  let seq = 0;
  let at = ctx.firstAt;
  let conversationId: number | null = null;
  const send = (content: InboundMessage['content']) => {
    seq++;
    const message: InboundMessage = {
      channel: plan.channel,
      channelMessageId: `demo-${ctx.caseId}-${seq}`,
      channelUserId: userId,
      sentAt: at,
      ...(plan.channel === 'whatsapp' ? { phone: plan.phone } : {}),
      content,
    };
    const out = service.handle({ type: 'message', message, enqueuedAt: at }, at);
    conversationId = out.conversationId ?? conversationId;
  };
  send(plan.channel === 'telegram' ? { kind: 'start', code: ctx.startCode } : { kind: 'text', text: plan.lang === 'id' ? 'Halo' : 'Hello' });

  const en = plan.lang === 'en';
  let answers = 0;
  let stopSent = false;
  for (let guard = 0; guard < 120 && conversationId !== null; guard++) {
    const row = ctx.conversationState(conversationId);
    if (row.owner !== 'bot') return { conversationId, escalatedAt: row.owner === 'tracer' ? at : null, lastAt: at };
    const state = JSON.parse(row.state) as ConversationState;
    if (state.status !== 'active') break;
    const next = at + (0.3 + ctx.random() * 6) * MIN;
    if (next > ctx.now) break;
    at = next;
    if (state.confirmingStop) {
      send({ kind: 'text', text: en ? 'yes' : 'ya' });
      continue;
    }
    if ((plan.outcome === 'in_progress' && answers >= plan.stopAfter) || (plan.outcome === 'opted_out' && stopSent)) break;
    if (plan.outcome === 'asked' && answers >= plan.stopAfter) {
      send({ kind: 'text', text: en ? 'I want to talk to a person' : 'petugas' });
      continue;
    }
    if (plan.outcome === 'opted_out' && answers >= Math.min(plan.stopAfter, 4)) {
      stopSent = true;
      send({ kind: 'text', text: en ? 'stop' : 'berhenti' });
      continue;
    }
    const text = reply(plan, state, en);
    if (text === null) break;
    answers++;
    send({ kind: 'text', text });
  }
  return { conversationId, escalatedAt: null, lastAt: at };
}

/** The patient's answer to the step the bot is waiting on, or null to fall silent. */
function reply(plan: CasePlan, state: ConversationState, en: boolean): string | null {
  const yes = en ? 'yes' : 'ya';
  const no = en ? 'no' : 'tidak';
  switch (state.stepId) {
    case 'consent':
      return plan.outcome === 'callback' ? no : yes;
    case 'callback':
      return yes;
    case 'identity_dob':
    case 'identity_name':
      return plan.outcome === 'identity' ? no : yes;
    case 'has_symptoms':
      return plan.symptoms || plan.outcome === 'breathing' ? yes : no;
    case 'onset_date':
      return en ? '3 days ago' : '3 hari lalu';
    case 'test_date':
      return en ? '2 days ago' : '2 hari lalu';
    case 'symptoms':
      return plan.outcome === 'breathing' ? (en ? 'fever, difficulty breathing' : 'demam, sesak napas') : en ? 'fever, cough' : '1, 2';
    case 'isolation':
      return en ? 'home' : 'rumah';
    case 'household_size':
      return String(plan.contacts.filter((c) => c.setting.value === 'household').length);
    case 'contacts':
      return collectReply(plan, state, en);
    case 'places': {
      const done = state.collect?.items.length ?? 0;
      const q = state.collect?.question ?? 0;
      if (q === -1) return no;
      if (q === 0) return plan.places[done] ?? (en ? 'none' : 'tidak ada');
      return en ? 'yesterday' : 'kemarin';
    }
    case 'summary':
      return yes;
    default:
      return null;
  }
}

function collectReply(plan: CasePlan, state: ConversationState, en: boolean): string {
  const done = state.collect?.items.length ?? 0;
  const q = state.collect?.question ?? 0;
  if (q === -1) return done < plan.contacts.length ? (en ? 'yes' : 'ya') : en ? 'no' : 'tidak';
  const c = plan.contacts[done];
  if (!c) return en ? 'none' : 'tidak ada';
  switch (q) {
    case 0:
      return c.name;
    case 1:
      // People write numbers every which way; the flow normalises them to E.164.
      return c.phone ? (done % 2 ? `0${c.phone.slice(3, 6)}-${c.phone.slice(6, 10)}-${c.phone.slice(10)}` : c.phone) : en ? "don't know" : 'tidak tahu';
    case 2:
      return en ? c.setting.en : c.setting.id;
    case 3:
      return c.setting.value === 'household' ? (en ? 'today' : 'hari ini') : en ? 'yesterday' : 'kemarin';
    default:
      return c.symptoms ? (en ? 'yes' : 'ya') : en ? 'no' : 'tidak';
  }
}
