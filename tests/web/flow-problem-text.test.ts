import { describe, expect, it } from 'vitest';
import { loadFlowSource } from '../../src/flow/load.js';
import { flowProblemText } from '../../src/web/views/coordinator/flow-problem-text.js';

const flow = `spec: 1
id: t
name: { id: Uji, en: Test }
languages: [id, en]
default_language: id
steps:
  - id: q
    type: ask
    text: { id: Ada gejala?, en: Any symptoms? }
    answer: { type: yes_no }
  - id: route
    type: branch
    cases:
      - when: { answers.q: true }
        next: sikc
    default: done
  - id: sick
    type: say
    text: { id: Semoga lekas sembuh }
  - id: done
    type: end
    text: { id: Terima kasih, en: Thank you }
`;

describe('flow-check problems in the web editor', () => {
  it('say a wrong jump, a missing translation and an unreachable step in Indonesian, without YAML paths', () => {
    const r = loadFlowSource(flow, 't.yaml');
    const problems = r.ok ? r.warnings : r.problems;
    const texts = problems.map((p) => flowProblemText('id', p));
    expect(texts).toEqual(
      expect.arrayContaining([
        "tujuan pilihan ke-1 dari cabang ini adalah 'sikc', tetapi tidak ada langkah dengan id itu (maksudnya 'sick'?)",
        "teks ini belum ada versi bahasa Inggris; tambahkan 'en: ...'",
      ]),
    );
    expect(texts.join('\n')).not.toContain('cases[0]');
    expect(problems.map((p) => p.message).join('\n')).toContain("'cases[0].next' points to 'sikc'");
  });

  it('says the schema’s common complaints in Indonesian too', () => {
    const broken = flow.replace('type: branch', 'type: brnch');
    const r = loadFlowSource(broken, 't.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(flowProblemText('id', r.problems[0]!)).toBe("tidak ada jenis langkah 'brnch'; pakai salah satu: say, ask, branch, collect, handoff, end");
  });

  it('keeps the checker’s words for a message it has no translation for', () => {
    expect(flowProblemText('id', { message: 'something new the checker says' })).toBe('something new the checker says');
  });
});
