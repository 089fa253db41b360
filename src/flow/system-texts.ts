import type { FlowDefinition, Lang, LocalizedText, SystemTexts } from './definition.js';

/**
 * Keys of the texts the engine itself says; a flow's `texts` section may override each of them, and
 * `settings.reminder` overrides `reminder`.
 */
export type SystemTextKey = keyof SystemTexts | 'reminder';

/**
 * The engine's own texts. Re-asks after an invalid answer (`reask_*`) are deliberately missing: the answer parsers
 * give a re-ask that names the exact problem ("that date is in the future"); a flow that sets `texts.reask_date`
 * replaces those for every date question.
 */
export const DEFAULT_TEXTS: Readonly<Record<Exclude<SystemTextKey, `reask_${string}`>, Required<LocalizedText>>> = {
  please_type: {
    id: 'Maaf, saya hanya bisa membaca pesan teks. Mohon ketik jawaban Anda.',
    en: 'Sorry, I can only read text messages. Please type your answer.',
  },
  handoff: {
    id: 'Baik, petugas kami akan segera membalas Anda di sini. Mohon ditunggu, ya.',
    en: 'Okay, one of our tracers will reply to you here shortly. Please wait.',
  },
  stop_confirm: {
    id: 'Apakah Anda yakin ingin berhenti? Kami tidak akan mengirim pesan lagi. Balas *ya* untuk berhenti atau *tidak* untuk melanjutkan.',
    en: 'Are you sure you want to stop? We will not message you again. Reply *yes* to stop or *no* to continue.',
  },
  stopped: {
    id: 'Baik, kami tidak akan mengirim pesan lagi. Jika Anda butuh bantuan, silakan hubungi Puskesmas terdekat. Semoga lekas sembuh.',
    en: 'Okay, we will not message you again. If you need help, please contact your nearest health centre (Puskesmas). Get well soon.',
  },
  stop_cancelled: {
    id: 'Baik, kita lanjutkan.',
    en: "Okay, let's continue.",
  },
  language_changed: {
    id: 'Baik, kita lanjutkan dalam Bahasa Indonesia.',
    en: "Okay, we'll continue in English.",
  },
  too_many_invalid: {
    id: 'Maaf, sepertinya pertanyaan ini kurang jelas. Petugas kami akan membantu Anda di sini sebentar lagi.',
    en: 'Sorry, this question seems to be unclear. One of our tracers will help you here shortly.',
  },
  already_completed: {
    id: 'Wawancara Anda sudah selesai, terima kasih. Jika ingin bicara dengan petugas, ketik *petugas*.',
    en: 'Your interview is complete, thank you. To talk to a person, type *tracer*.',
  },
  need_more_items: {
    id: 'Kami perlu setidaknya satu jawaban lagi di sini. Mohon jawab pertanyaannya, atau ketik *petugas* untuk bicara dengan petugas.',
    en: 'We need at least one more answer here. Please answer the question, or type *tracer* to talk to a person.',
  },
  reminder: {
    id: 'Halo, kami masih menunggu jawaban Anda. Jawaban Anda membantu melindungi keluarga dan orang-orang di sekitar Anda.',
    en: 'Hello, we are still waiting for your answer. Your answers help protect your family and the people around you.',
  },
};

/** Words the engine needs inside rendered texts (lists, yes/no values). */
export const WORDS: Readonly<Record<Lang, { yes: string; no: string; none: string }>> = {
  id: { yes: 'ya', no: 'tidak', none: '(belum ada)' },
  en: { yes: 'yes', no: 'no', none: '(none)' },
};

/** The text in `lang`, else in the flow's default language, else in any language it has; '' for none. */
export function pickText(text: LocalizedText | undefined, lang: Lang, fallback: Lang): string {
  if (!text) return '';
  return text[lang] ?? text[fallback] ?? text.id ?? text.en ?? '';
}

/** A system text in `lang`: the flow's override when it has one, else the built-in default ('' only for `reask_*`). */
export function systemText(flow: FlowDefinition, key: SystemTextKey, lang: Lang): string {
  const own = key === 'reminder' ? flow.settings.reminder : flow.texts?.[key];
  if (own && (own[lang] ?? own[flow.default_language])) return pickText(own, lang, flow.default_language);
  const builtIn = (DEFAULT_TEXTS as Partial<Record<SystemTextKey, Required<LocalizedText>>>)[key];
  return builtIn ? builtIn[lang] : '';
}
