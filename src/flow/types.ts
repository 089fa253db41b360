import type { ContextRecord } from './context-vars.js';
import type { AnswerType, Lang } from './definition.js';

/** A saved answer: dates are ISO `YYYY-MM-DD`, phones E.164, yes/no booleans, multiple choices string arrays. */
export type AnswerValue = string | number | boolean | string[] | null;
export type Item = Record<string, AnswerValue>;
export type Priority = 'normal' | 'high' | 'urgent';

/** The engine's only source of time: the caller passes it in, so a turn is reproducible. */
export interface Clock {
  /** Epoch milliseconds. */
  now: number;
}

/** Why a chat went to a tracer; shown in the inbox and used in reports. */
export type EscalationReason =
  | 'patient_asked'
  | 'invalid_answers'
  | 'risky_answer'
  | 'flow_handoff'
  | 'unresponsive'
  | 'unreachable'
  | 'unverified'
  | 'flow_error';

/** What happens to a conversation: the normalised input of one engine turn. */
export type EngineInput =
  | { kind: 'start' }
  | { kind: 'text'; text: string }
  /** A button press; `value` is the choice value the button carried. */
  | { kind: 'choice'; value: string }
  /** One or more shared contact cards. */
  | { kind: 'contacts'; contacts: { name: string; phone: string }[] }
  /** A sticker, photo, voice note, document, video...: the patient is asked to type. */
  | { kind: 'media'; media: string }
  | { kind: 'location'; latitude: number; longitude: number }
  /** The patient has not answered for the flow's reminder delay. */
  | { kind: 'reminder' }
  /** A tracer hands the chat back to the bot, at `stepId` or where it stopped. */
  | { kind: 'resume'; stepId?: string };

export type ConversationStatus = 'new' | 'active' | 'handed_off' | 'completed' | 'stopped';

/** Progress inside a `collect` step: `question` is the index in `questions`, or -1 while asking "any other?". */
export interface CollectProgress {
  question: number;
  item: Item;
  items: Item[];
  /** Shared contact cards still to become items of this contact list (several cards arrive in one message). */
  cards?: { name: string; phone: string }[];
}

/** Everything the engine needs to resume a conversation; stored as JSON on the conversation row. */
export interface ConversationState {
  lang: Lang;
  status: ConversationStatus;
  /** The step waiting for the patient (an `ask` or `collect`), or null. */
  stepId: string | null;
  answers: Record<string, AnswerValue>;
  /** Items collected by `collect` steps, by their `save_as` key. */
  lists: Record<string, Item[]>;
  collect: CollectProgress | null;
  /** Invalid answers in a row to the current question. */
  invalid: number;
  /** Reminders sent since the last answer. */
  reminders: number;
  /** The patient typed a stop keyword and we asked them to confirm. */
  confirmingStop: boolean;
  /** Case fields available to templates and conditions as `case.*`. */
  case: Record<string, string | number | null>;
  /** Who we believe we are writing to, as `contact.*` (contact flows; see `../context-vars.ts`). */
  contact?: ContextRecord;
  /** The contact's quarantine, as `monitoring.*` (contact flows; see `../context-vars.ts`). */
  monitoring?: ContextRecord;
}

export interface OutChoice {
  value: string;
  label: string;
}

/** What the rest of the system acts on. The engine never does I/O: it returns these. */
export type EngineEvent =
  | {
      type: 'message';
      step: string | null;
      text: string;
      /** The answer type the bot now waits for, or null. */
      expects: AnswerType | null;
      choices?: OutChoice[];
      /** Offer the channel's "share my number" button. */
      requestPhone?: boolean;
    }
  | { type: 'answer_saved'; step: string; key: string; value: AnswerValue; raw: string }
  | { type: 'invalid_answer'; step: string; attempt: number; problem: string }
  | { type: 'item_collected'; step: string; key: string; kind: 'contact' | 'place' | 'other'; index: number; item: Item }
  | { type: 'escalated'; step: string | null; reason: EscalationReason; priority: Priority; detail?: string }
  | { type: 'reminder_due'; step: string | null; count: number }
  | { type: 'language_changed'; lang: Lang }
  | { type: 'completed'; step: string }
  | { type: 'opted_out'; step: string | null }
  /** A problem inside the flow (`area:reason`, e.g. `flow:step_cap`), never a crash. */
  | { type: 'error'; code: string; message: string; step: string | null };

/** The result of one engine turn ("sprint"): from an input until the next wait. */
export interface TurnResult {
  state: ConversationState;
  events: EngineEvent[];
}
