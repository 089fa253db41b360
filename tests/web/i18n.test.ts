import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADER_ALIASES } from '../../src/services/coordinator/index.js';
import { catalogue, hasKey, t, type MsgKey, type UiLang } from '../../src/web/i18n.js';

const LANGS: UiLang[] = ['id', 'en'];
const keys = Object.keys(catalogue.en) as MsgKey[];
// A key is an identifier with an underscore (`case_status_new`); a text that shows one leaks the catalogue to the reader.
const KEY_SHAPE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;
// CSV column names look like keys but are what a coordinator types in the file's header row.
const CSV_HEADERS = new Set(Object.values(HEADER_ALIASES).flat());

describe('the UI text catalogue', () => {
  it('has the same keys in Indonesian and English', () => {
    expect(Object.keys(catalogue.id).sort()).toEqual([...keys].sort());
    expect(keys.length).toBeGreaterThan(300);
  });

  it.each(LANGS)('gives every key a non-empty text in %s', (lang) => {
    const empty = keys.filter((k) => typeof catalogue[lang][k] !== 'string' || catalogue[lang][k].trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(LANGS)('shows no internal key inside a %s text', (lang) => {
    const leaks = keys.flatMap((k) => {
      const text = catalogue[lang][k].replace(/\{\w+\}/g, '');
      const found = (text.match(KEY_SHAPE) ?? []).filter((w) => (hasKey(w) || w === k) && !CSV_HEADERS.has(w));
      return found.length ? [`${k}: ${found.join(', ')}`] : [];
    });
    expect(leaks).toEqual([]);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'at_cap', { n: 3 })).toBe('You already hold 3 chats, your limit. Finish one first.');
    expect(t('en', 'at_cap')).toContain('{n}');
  });

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differ = keys.filter((k) => names(catalogue.en[k]).join() !== names(catalogue.id[k]).join());
    expect(differ).toEqual([]);
  });

  it('knows the keys built at run time and refuses others', () => {
    expect(hasKey('case_status_needs_call')).toBe(true);
    expect(hasKey('sim_ev_opted_out')).toBe(true);
    expect(hasKey('no_such_key')).toBe(false);
  });
});

describe('escalation details a tracer reads', () => {
  // A flow's handoff or risky-answer `reason` is shown under the escalation (inbox queue and chat header): each needs words.
  const flowsDir = new URL('../../flows/', import.meta.url);
  const reasons = readdirSync(flowsDir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => [...readFileSync(new URL(f, flowsDir), 'utf8').matchAll(/^\s*reason:\s*([a-z0-9_]+)\s*$/gm)].map((m) => m[1]!));

  it('finds the reasons the flows escalate with', () => {
    expect(new Set(reasons)).toEqual(new Set(['breathing_difficulty', 'consent_declined_callback', 'identity_not_confirmed', 'quarantine_support', 'summary_correction', 'symptomatic_contact', 'unverified', 'wrong_number']));
  });

  it.each(LANGS)('has a %s text for every one of them, and for the invite match the service raises', (lang) => {
    for (const r of [...reasons, 'invite_identified']) expect([r, hasKey(`detail_${r}`) ? t(lang, `detail_${r}` as MsgKey).length > 0 : false]).toEqual([r, true]);
  });
});
