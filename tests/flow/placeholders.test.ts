import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../src/flow/engine.js';
import { loadFlowSource } from '../../src/flow/load.js';

// Issue 14 bug 3: "Halo , kami dari…" — a placeholder whose value is missing must never leave a gap.
const source = (greeting: string) => `spec: 1
id: tiny
name: { id: Kecil, en: Tiny }
steps:
  - id: hello
    type: say
    text: { id: "${greeting}", en: "Hello" }
  - id: bye
    type: end
`;

function opening(greeting: string, caseFields: Record<string, string | null>): string {
  const r = loadFlowSource(source(greeting), 'tiny.yaml');
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  const turn = step(r.flow, initialState(r.flow, { lang: 'id', case: caseFields }), { kind: 'start' }, { now: Date.parse('2026-11-25T03:00:00Z') });
  return turn.events.flatMap((e) => (e.type === 'message' ? [e.text] : [])).join('\n');
}

describe('placeholders never render empty', () => {
  it('flows:check refuses a case placeholder without a fallback, naming the fix', () => {
    const r = loadFlowSource(source('Halo {{case.name}}, kami dari Dinas Kesehatan.'), 'tiny.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.severity, p.message])).toEqual([['error', expect.stringContaining('{{case.name|Anda}}')]]);
  });

  it('the fallback stands in for a missing or blank value, the value when there is one', () => {
    const greeting = 'Halo {{case.first_name|Bapak/Ibu}}, kami dari Dinas Kesehatan.';
    expect(opening(greeting, {})).toBe('Halo Bapak/Ibu, kami dari Dinas Kesehatan.');
    expect(opening(greeting, { first_name: '  ' })).toBe('Halo Bapak/Ibu, kami dari Dinas Kesehatan.');
    expect(opening(greeting, { first_name: null })).toBe('Halo Bapak/Ibu, kami dari Dinas Kesehatan.');
    expect(opening(greeting, { first_name: 'Sri' })).toBe('Halo Sri, kami dari Dinas Kesehatan.');
  });

  it('the engine drops an empty placeholder without a fallback together with its space, in a flow that skipped the check', () => {
    const r = loadFlowSource(source('Halo {{answers.nama}}, kami dari Dinas Kesehatan.'), 'tiny.yaml');
    expect(r.ok).toBe(true);
    expect(opening('Halo {{answers.nama}}, kami dari Dinas Kesehatan.', {})).toBe('Halo, kami dari Dinas Kesehatan.');
  });
});
