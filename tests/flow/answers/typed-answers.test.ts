import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../../src/flow/answers/index.js';
import { ctx } from './fixtures.js';

// What patients really type (issue 14), as properties over many spellings rather than a handful of examples.
const yesNo = { type: 'yes_no' } as const;
const text = { type: 'text', min_length: 2, max_length: 100 } as const;
const SYMPTOM_Q_ID = 'Apakah Anda merasakan gejala, misalnya demam, batuk, sakit tenggorokan, atau hilang penciuman, dalam 14 hari terakhir?';
const SYMPTOM_Q_EN = 'Have you had any symptoms, such as fever, cough, sore throat or loss of smell, in the last 14 days?';
const NAME_Q = (name: string) => `Untuk memastikan kami berbicara dengan orang yang tepat, apakah nama lengkap Anda ${name}?`;

/** The way phones mangle a word: any letter case, a stretched last letter, trailing punctuation. */
const typed = (word: fc.Arbitrary<string>) =>
  fc.tuple(word, fc.boolean(), fc.nat(3), fc.constantFrom('', '.', '!', '!!', ' 🙏', ',')).map(([w, upper, stretch, end]) => {
    const cased = upper ? w.toUpperCase() : w;
    return `${cased}${cased.slice(-1).repeat(stretch)}${end}`;
  });
const spaced = (parts: string[]) => parts.filter(Boolean).join(' ');

const YES_HEADS = ['ya', 'iya', 'iye', 'betul', 'benar', 'bener', 'sudah', 'udah', 'ok', 'oke', 'yes'];
const YES_TAILS = ['', 'benar', 'betul', 'sudah', 'kok', 'pak', 'bu', 'sekali', 'dong'];
const NO_HEADS = ['gak', 'ngga', 'nggak', 'tdk', 'tidak', 'blm', 'belum', 'enggak', 'ga', 'no'];
const NO_TAILS = ['', 'ada', 'pernah', 'kok', 'pak', 'bu', 'sama sekali'];
const SYMPTOMS_IN_Q_ID = ['batuk', 'demam', 'tenggorokan', 'penciuman'];
const SYMPTOMS_ELSEWHERE = ['pusing', 'pilek', 'meriang', 'lemas', 'mual', 'diare'];
const DEGREE = ['', 'dikit', 'sedikit', 'agak', 'lumayan', 'kadang'];

/** Indonesian-looking names: one to three capitalised words. */
const personName = fc
  .array(fc.stringMatching(/^[A-Z][a-z]{2,9}$/), { minLength: 1, maxLength: 3 })
  .map((ws) => ws.join(' '))
  .filter((n) => !/^(Ya|Iya|Tidak|Saya|Nama|Ini|Aku)\b/i.test(n));
const INTROS = ['nama saya', 'Nama saya', 'nama saya:', 'Nama lengkap saya', 'namaku', 'nama sy', 'saya', 'Saya', 'my name is', 'My name is', "I'm", 'ini'];

describe('answers people type', () => {
  it('"iya benar", "betul", "ya sudah" and their spellings are yes; "gak", "ngga", "tdk", "blm" and theirs are no', () => {
    fc.assert(
      fc.property(typed(fc.constantFrom(...YES_HEADS)), fc.constantFrom(...YES_TAILS), (head, tail) => {
        expect(parseAnswer(yesNo, spaced([head, tail]), ctx())).toEqual({ ok: true, value: true });
      }),
    );
    fc.assert(
      fc.property(typed(fc.constantFrom(...NO_HEADS)), fc.constantFrom(...NO_TAILS), (head, tail) => {
        expect(parseAnswer(yesNo, spaced([head, tail]), ctx())).toEqual({ ok: true, value: false });
      }),
    );
  });

  it('naming a symptom the question lists ("batuk dikit") is a yes, in either order with a degree word', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SYMPTOMS_IN_Q_ID), fc.constantFrom(...DEGREE), fc.boolean(), (symptom, degree, degreeFirst) => {
        const answer = spaced(degreeFirst ? [degree, symptom] : [symptom, degree]);
        expect(parseAnswer(yesNo, answer, ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: true, value: true });
      }),
    );
    expect(parseAnswer(yesNo, 'batuk dikit', ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: true, value: true });
    expect(parseAnswer(yesNo, 'a bit of a cough', ctx({ question: SYMPTOM_Q_EN }))).toEqual({ ok: false, problem: 'yes_no:unclear' });
    expect(parseAnswer(yesNo, 'cough', ctx({ question: SYMPTOM_Q_EN }))).toEqual({ ok: true, value: true });
  });

  it('a common complaint the question does not list is a yes to a question about symptoms, and only to one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SYMPTOMS_ELSEWHERE), fc.constantFrom(...DEGREE), (symptom, degree) => {
        expect(parseAnswer(yesNo, spaced([degree, symptom]), ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: true, value: true });
        expect(parseAnswer(yesNo, spaced([degree, symptom]), ctx({ question: 'Apakah Anda bersedia menjawab beberapa pertanyaan?' }))).toEqual({ ok: false, problem: 'yes_no:unclear' });
      }),
    );
  });

  it('a denial or a hedge around a symptom is never read as yes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SYMPTOMS_IN_Q_ID, ...SYMPTOMS_ELSEWHERE), fc.constantFrom('tidak', 'gak', 'ngga', 'blm', 'tdk', 'bukan'), fc.boolean(), (symptom, no, noFirst) => {
        const r = parseAnswer(yesNo, noFirst ? `${no} ${symptom}` : `${symptom} ${no}`, ctx({ question: SYMPTOM_Q_ID }));
        expect(r).not.toEqual({ ok: true, value: true });
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SYMPTOMS_IN_Q_ID), fc.constantFrom('mungkin', 'kayaknya', 'maybe'), (symptom, hedge) => {
        expect(parseAnswer(yesNo, `${hedge} ${symptom}`, ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: false, problem: 'yes_no:unclear' });
      }),
    );
    // Words every question shares say nothing.
    for (const w of ['anda', 'dalam', 'hari', 'terakhir']) expect(parseAnswer(yesNo, w, ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: false, problem: 'yes_no:unclear' });
  });

  it('"nama saya Budi Santoso" to a name question saves the name alone, however it is introduced', () => {
    fc.assert(
      fc.property(personName, fc.constantFrom(...INTROS), fc.constantFrom('', '.', '!'), (name, intro, end) => {
        expect(parseAnswer(text, `${intro} ${name}${end}`, ctx({ key: 'name' }))).toEqual({ ok: true, value: name });
        expect(parseAnswer(text, name, ctx({ key: 'full_name' }))).toEqual({ ok: true, value: name });
        // Any other question keeps exactly what was typed.
        expect(parseAnswer(text, `${intro} ${name}`, ctx({ key: 'notes' }))).toEqual({ ok: true, value: `${intro} ${name}` });
      }),
    );
    expect(parseAnswer(text, 'nama saya Budi Santoso', ctx({ key: 'name' }))).toEqual({ ok: true, value: 'Budi Santoso' });
  });

  it('to "is your full name X?" the name typed is a yes when it is X and a no when it is someone else', () => {
    fc.assert(
      fc.property(personName, personName, fc.constantFrom('nama saya', 'Nama saya', 'my name is', 'namaku'), (asked, other, intro) => {
        fc.pre(!` ${asked.toLowerCase()} `.includes(` ${other.toLowerCase()} `));
        expect(parseAnswer(yesNo, `${intro} ${asked}`, ctx({ question: NAME_Q(asked) }))).toEqual({ ok: true, value: true });
        expect(parseAnswer(yesNo, `${intro} ${asked.toLowerCase()}`, ctx({ question: NAME_Q(asked) }))).toEqual({ ok: true, value: true });
        expect(parseAnswer(yesNo, `${intro} ${other}`, ctx({ question: NAME_Q(asked) }))).toEqual({ ok: true, value: false });
      }),
    );
    expect(parseAnswer(yesNo, 'nama saya Budi Santoso', ctx({ question: NAME_Q('Budi Santoso') }))).toEqual({ ok: true, value: true });
  });

  it('plain yes and no still win over the question ("tidak, saya batuk" stays unclear rather than guessed)', () => {
    expect(parseAnswer(yesNo, 'iya benar', ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: true, value: true });
    expect(parseAnswer(yesNo, 'gak', ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: true, value: false });
    expect(parseAnswer(yesNo, 'tidak tahu', ctx({ question: SYMPTOM_Q_ID }))).toEqual({ ok: false, problem: 'yes_no:unclear' });
  });
});
