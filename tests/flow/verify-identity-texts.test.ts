import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/flow/load.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';

// Everything flows/verify-identity.yaml can say is said before identity is proven (issue 17): check every text of it.
const FILE = fileURLToPath(new URL('../../flows/verify-identity.yaml', import.meta.url));

describe('the identity check says nothing about a case', () => {
  const r = loadFlowFile(FILE);
  if (!r.ok) throw new Error('flows/verify-identity.yaml does not load');
  const texts = r.flow.steps.flatMap((s) => ('text' in s && s.text ? Object.entries(s.text).map(([lang, text]) => ({ step: s.id, lang, text: text! })) : []));

  it('has texts in both languages for every step that speaks', () => {
    expect(new Set(texts.map((t) => t.lang))).toEqual(new Set(['id', 'en']));
    expect(texts.length).toBeGreaterThanOrEqual(20);
  });

  it.each(texts.map((t) => [`${t.step} (${t.lang})`, t.text] as const))('%s names no diagnosis, result, date of birth or person', (_name, text) => {
    expect(forbiddenFacts(text.replace(/\{\{[^}]*\}\}/g, 'Sri'), { name: 'Sri Wahyuni', dateOfBirth: '1990-03-14', caseNumber: 'JKT-0042' })).toEqual([]);
    // The only case field it may quote is the first name, always with a fallback.
    for (const m of text.matchAll(/\{\{([^}]*)\}\}/g)) expect(m[1]).toMatch(/^\s*case\.first_name\s*\|[^|{}]+$/);
  });
});
