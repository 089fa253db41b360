import type { AnswerSpec } from '../../../src/flow/definition.js';
import type { ParseContext } from '../../../src/flow/answers/index.js';

/** Wednesday 25 November 2026, Jakarta. */
export const TODAY = '2026-11-25';

/** A parse context on TODAY; override what a test needs. */
export function ctx(overrides: Partial<ParseContext> = {}): ParseContext {
  return { today: TODAY, lang: 'id', answers: {}, defaultCountry: 'ID', ...overrides };
}

/** The contact-setting question of the interview, as a coordinator would write it. */
export const settingSpec = {
  type: 'choice',
  choices: [
    { value: 'household', label: { id: 'Serumah', en: 'Household' }, synonyms: ['keluarga', 'rumah'] },
    { value: 'workplace', label: { id: 'Tempat kerja', en: 'Workplace' }, synonyms: ['kantor'] },
    {
      value: 'health_facility',
      label: { id: 'Fasilitas kesehatan', en: 'Health facility' },
      synonyms: ['rumah sakit', 'puskesmas'],
    },
    { value: 'place_of_worship', label: { id: 'Tempat ibadah', en: 'Place of worship' }, synonyms: ['masjid', 'gereja'] },
    { value: 'other', label: { id: 'Lainnya', en: 'Other' } },
  ],
} satisfies AnswerSpec;

/** Symptoms, several may be picked. */
export const symptomsSpec = {
  type: 'choice',
  multiple: true,
  choices: [
    { value: 'fever', label: { id: 'Demam', en: 'Fever' }, synonyms: ['panas'] },
    { value: 'cough', label: { id: 'Batuk', en: 'Cough' } },
    { value: 'sore_throat', label: { id: 'Sakit tenggorokan', en: 'Sore throat' } },
    { value: 'headache', label: { id: 'Sakit kepala', en: 'Headache' }, synonyms: ['pusing'] },
    { value: 'smell_loss', label: { id: 'Hilang penciuman', en: 'Loss of smell' }, synonyms: ['anosmia'] },
    { value: 'breathing', label: { id: 'Sesak napas', en: 'Shortness of breath' }, synonyms: ['sesak', 'susah napas'] },
  ],
} satisfies AnswerSpec;
