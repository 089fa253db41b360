import type { Lang } from './definition.js';

/**
 * Global keywords: words a patient may send at any waiting step, in either language. A keyword must be the whole
 * message (after normalising), so "help" starts a handoff but "my son helps me" is an answer.
 */
export type Keyword = { kind: 'person' } | { kind: 'stop' } | { kind: 'language'; lang: Lang };

/** Lower case, no accents, punctuation and emoji turned into spaces, a leading `/` (Telegram command) dropped. */
export function normaliseKeyword(text: string): string {
  if (text.length > 200) return '';
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^\s*\//, '')
    .replace(/@\w+/g, ' ') // "/help@tracebot" in Telegram groups
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const PERSON = new Set([
  'petugas', 'tracer', 'bantuan', 'tolong', 'help', 'operator', 'manusia', 'admin', 'cs', 'agent', 'human', 'person',
  'minta bantuan', 'butuh bantuan', 'perlu bantuan', 'hubungi petugas', 'panggil petugas', 'minta petugas',
  'bicara dengan petugas', 'chat petugas', 'tolong petugas', 'i need help', 'need help', 'help me', 'real person',
]);
const PERSON_PATTERNS = [
  /^(saya |aku |sy )?(mau |ingin |minta |pengen |pingin |perlu |bisa )?(bicara|berbicara|ngomong|ngobrol|chat|bertanya) (dengan|sama|ke|kepada) (petugas|orang|manusia|admin|operator|tracer|cs)( saja| aja| dong| ya)?$/,
  /^(i )?(want|would like|need|wanna|d like|can i|could i|let me)? ?(to )?(talk|speak|chat) (to|with) (a |an |the |some )?(person|human|tracer|someone|somebody|agent|operator|real person|human being|staff)( please)?$/,
];

const STOP = new Set([
  'berhenti', 'stop', 'unsubscribe', 'berhenti berlangganan', 'jangan hubungi saya lagi', 'jangan kirim pesan lagi',
  'jangan hubungi lagi', 'stop messaging me', 'stop messages', 'opt out', 'optout', 'saya mau berhenti', 'i want to stop',
]);

const LANGUAGE: ReadonlyMap<string, Lang> = new Map<string, Lang>([
  ['english', 'en'], ['inggris', 'en'], ['bahasa inggris', 'en'], ['en', 'en'], ['in english', 'en'],
  ['english please', 'en'], ['speak english', 'en'], ['pakai bahasa inggris', 'en'], ['eng', 'en'],
  ['indonesia', 'id'], ['bahasa indonesia', 'id'], ['bahasa', 'id'], ['id', 'id'], ['indo', 'id'],
  ['in indonesian', 'id'], ['indonesian', 'id'], ['pakai bahasa indonesia', 'id'], ['bahasa indonesia saja', 'id'],
]);

/** The keyword the whole message is, or null. Language keywords are only offered for `languages` of the flow. */
export function matchKeyword(text: string, languages: readonly Lang[]): Keyword | null {
  const t = normaliseKeyword(text);
  if (t === '') return null;
  if (PERSON.has(t) || PERSON_PATTERNS.some((p) => p.test(t))) return { kind: 'person' };
  if (STOP.has(t)) return { kind: 'stop' };
  const lang = LANGUAGE.get(t);
  if (lang && languages.includes(lang)) return { kind: 'language', lang };
  return null;
}

const NONE = new Set([
  'tidak', 'tidak ada', 'tdk ada', 'gak ada', 'ga ada', 'nggak ada', 'ngga ada', 'enggak ada', 'tak ada', 'gada',
  'tidak ada lagi', 'sudah', 'sudah tidak ada', 'selesai', 'cukup', 'itu saja', 'sudah itu saja', 'nihil', 'kosong',
  'no', 'none', 'nobody', 'no one', 'noone', 'nothing', 'no more', 'done', 'thats all', 'that s all', 'nope',
]);

/**
 * True for "nobody / no more / that's all": at the first question of a new item in a `collect` step it ends the list
 * (once the step's `min` items are in), so a patient with no contacts need not answer a separate question first.
 */
export function isNoneAnswer(text: string): boolean {
  return NONE.has(normaliseKeyword(text));
}
