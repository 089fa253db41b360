import { z } from 'zod';

/**
 * The flow-script format, spec version 1. This zod schema is the single source of truth: the YAML loader validates
 * against it and `npm run flows:schema` turns it into the JSON Schema that editors use for completion.
 */

export const FLOW_SPEC_VERSION = 1;

/** Languages a flow can be written in; every text must be given in each of the flow's `languages`. */
export const Lang = z.enum(['id', 'en']);
export type Lang = z.infer<typeof Lang>;

const idPattern = /^[a-z][a-z0-9_]*$/;
/** A step, answer or question id: lower snake case, so it can be used in templates and conditions. */
export const StepId = z.string().regex(idPattern, 'use lower_snake_case (a-z, 0-9, _), starting with a letter');

/**
 * A text per language. Templates may use `{{answers.key}}`, `{{case.field}}`, `{{item.key}}` (inside a collect step),
 * `{{count}}` (items collected so far), `{{lists.key}}` (a numbered list of a collect step's items) — replaced by plain
 * text, never evaluated. `{{case.first_name|Anda}}` gives a fallback for an empty value (required for `case.*`).
 */
export const LocalizedText = z
  .object({ id: z.string().min(1).optional(), en: z.string().min(1).optional() })
  .strict()
  .describe('A text in each language of the flow: `id` (Bahasa Indonesia) and `en` (English).');
export type LocalizedText = z.infer<typeof LocalizedText>;

/** A duration such as `30m`, `4h`, `2d`. */
export const Duration = z.string().regex(/^\d+(s|m|h|d)$/, 'a duration such as 30m, 4h or 2d');

/**
 * A condition over `{ answers, case, lang, item, count }` written as a MongoDB-style query (evaluated with sift),
 * e.g. `{ "answers.has_symptoms": true }` or `{ "answers.symptoms": { $in: [breathing] } }`.
 */
export const Condition = z.record(z.string(), z.unknown()).describe('A MongoDB-style query over answers, case, lang.');

const Choice = z
  .object({
    value: z.string().min(1).regex(/^[a-z0-9_]+$/, 'a choice value is lower_snake_case'),
    label: LocalizedText,
    synonyms: z.array(z.string().min(1)).optional().describe('Other words a patient may type for this choice.'),
  })
  .strict();
export type Choice = z.infer<typeof Choice>;

/** A date limit: an ISO date, `today`, or `answers.<key>` with an optional day offset such as `answers.onset - 2d`. */
export const DateBound = z
  .string()
  .regex(/^(today|\d{4}-\d{2}-\d{2}|answers\.[a-z][a-z0-9_]*)(\s*[+-]\s*\d+d)?$/, 'today, YYYY-MM-DD or answers.key, optionally ± Nd');

/** A value the service gives the flow: `case.<field>`, `contact.<key>` or `monitoring.<key>`. */
export const ContextPath = z.string().regex(/^(case|contact|monitoring)\.[a-z][a-z0-9_]*$/, 'case.<field>, contact.<key> or monitoring.<key>');

export const AnswerSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), min_length: z.number().int().min(0).optional(), max_length: z.number().int().positive().optional() }).strict(),
  z.object({ type: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('yes_no') }).strict(),
  z.object({ type: z.literal('choice'), choices: z.array(Choice).min(1), multiple: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('date'), min: DateBound.optional(), max: DateBound.optional() }).strict(),
  z.object({ type: z.literal('phone'), default_country: z.string().length(2).optional() }).strict(),
]);
export type AnswerSpec = z.infer<typeof AnswerSpec>;
export type AnswerType = AnswerSpec['type'];

/** A question inside a `collect` step (one field of each collected item). */
export const Question = z
  .object({
    id: StepId,
    text: LocalizedText,
    answer: AnswerSpec,
    optional: z.boolean().optional().describe('If true, the patient may answer "skip"/"lewati".'),
    reask: LocalizedText.optional().describe('What to say after an invalid answer; a sensible default exists per answer type.'),
  })
  .strict();
export type Question = z.infer<typeof Question>;

const base = {
  id: StepId,
  next: StepId.optional().describe('The step after this one; defaults to the next step in the file.'),
};

export const SayStep = z.object({ ...base, type: z.literal('say'), text: LocalizedText }).strict();
export const AskStep = z
  .object({
    ...base,
    type: z.literal('ask'),
    text: LocalizedText,
    answer: AnswerSpec,
    save_as: StepId.optional().describe('The answer key; defaults to the step id.'),
    optional: z.boolean().optional(),
    reask: LocalizedText.optional(),
    verify: z
      .object({
        against: ContextPath.describe('The value we know, e.g. `contact.name` or `case.date_of_birth`; never shown.'),
        except: ContextPath.optional().describe('A value already shown to the person (e.g. `contact.first_name`): it proves nothing, so it does not count.'),
        save_as: StepId.describe('The yes/no answer key that says whether the typed answer matched.'),
      })
      .strict()
      .optional()
      .describe('Identity by typing what we know: after saving, the answer is compared with `against` (names loosely, other types exactly).'),
    escalate_when: z
      .object({
        when: Condition,
        reason: z.string().min(1),
        priority: z.enum(['normal', 'high', 'urgent']).default('high'),
        text: LocalizedText.optional().describe('Said to the patient instead of the usual handoff text, e.g. urgent advice.'),
      })
      .strict()
      .optional()
      .describe('A risky answer: when the condition holds after saving, the bot stops and the chat goes to a tracer.'),
  })
  .strict();
export const BranchStep = z
  .object({
    id: StepId,
    type: z.literal('branch'),
    cases: z.array(z.object({ when: Condition, next: StepId }).strict()).min(1),
    default: StepId,
  })
  .strict();
export const CollectStep = z
  .object({
    ...base,
    type: z.literal('collect'),
    save_as: StepId.optional().describe('The list key; defaults to the step id.'),
    kind: z.enum(['contact', 'place', 'other']).default('other').describe('contact: each item becomes a contact of the case.'),
    intro: LocalizedText.optional(),
    questions: z.array(Question).min(1),
    more: LocalizedText.describe('Asked after each item: "any other?" (answered yes/no).'),
    min: z.number().int().min(0).default(0),
    max: z.number().int().positive().default(50),
    item_done: LocalizedText.optional().describe('Said after each item is complete.'),
  })
  .strict();
export const HandoffStep = z
  .object({
    ...base,
    type: z.literal('handoff'),
    text: LocalizedText.optional(),
    reason: z.string().min(1),
    priority: z.enum(['normal', 'high', 'urgent']).default('normal'),
  })
  .strict();
export const EndStep = z.object({ id: StepId, type: z.literal('end'), text: LocalizedText.optional() }).strict();

export const Step = z.discriminatedUnion('type', [SayStep, AskStep, BranchStep, CollectStep, HandoffStep, EndStep]);
export type Step = z.infer<typeof Step>;
export type StepType = Step['type'];
export type AskStep = z.infer<typeof AskStep>;
export type CollectStep = z.infer<typeof CollectStep>;
export type BranchStep = z.infer<typeof BranchStep>;
export type HandoffStep = z.infer<typeof HandoffStep>;

/** Texts the engine itself says (keywords, re-asks, opt-out); a flow may override any of them. */
export const SystemTexts = z
  .object({
    reask_text: LocalizedText,
    reask_number: LocalizedText,
    reask_yes_no: LocalizedText,
    reask_choice: LocalizedText,
    reask_date: LocalizedText,
    reask_phone: LocalizedText,
    please_type: LocalizedText,
    handoff: LocalizedText,
    stop_confirm: LocalizedText,
    stopped: LocalizedText,
    stop_cancelled: LocalizedText,
    language_changed: LocalizedText,
    too_many_invalid: LocalizedText,
    already_completed: LocalizedText.describe('Said when a patient writes after the interview is complete.'),
    need_more_items: LocalizedText.describe('Said when a patient answers "none" before a collect step has its `min` items.'),
  })
  .partial()
  .strict();
export type SystemTexts = z.infer<typeof SystemTexts>;

export const FlowSettings = z
  .object({
    max_invalid: z.number().int().positive().default(3).describe('Invalid answers to one question before a tracer takes over.'),
    reminder_after: Duration.default('4h'),
    max_reminders: z.number().int().min(0).default(2),
    escalate_unresponsive: z
      .boolean()
      .default(true)
      .describe('After max_reminders without an answer the chat goes to a tracer; false: the bot waits until expire_after (a daily check-in, whose service counts missed days itself).'),
    reminder: LocalizedText.optional(),
    expire_after: Duration.default('3d').describe('A conversation with no answer for this long is closed as expired.'),
    max_steps_per_turn: z
      .number()
      .int()
      .positive()
      .max(500)
      .default(100)
      .describe('Steps the bot may take between two patient messages before it stops the chat as looping (at most 500).'),
    timezone: z.string().default('Asia/Jakarta'),
  })
  .strict();
export type FlowSettings = z.infer<typeof FlowSettings>;

export const FlowDefinition = z
  .object({
    $schema: z.string().optional(),
    spec: z.literal(FLOW_SPEC_VERSION).describe('The version of this format.'),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a flow id is lower-kebab-case'),
    name: LocalizedText,
    languages: z.array(Lang).min(1).default(['id', 'en']),
    default_language: Lang.default('id'),
    settings: FlowSettings.default(FlowSettings.parse({})),
    texts: SystemTexts.optional(),
    start: StepId.optional().describe('The first step; defaults to the first in `steps`.'),
    steps: z.array(Step).min(1),
  })
  .strict();
export type FlowDefinition = z.infer<typeof FlowDefinition>;
export type FlowInput = z.input<typeof FlowDefinition>;
