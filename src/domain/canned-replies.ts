/** Canned replies for tracers, per language (the interview languages: Indonesian and English). */
export type CannedReplies = Record<'id' | 'en', { title: string; text: string }[]>;
