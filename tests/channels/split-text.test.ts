import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/channels/split-text.js';

describe('splitting long replies', () => {
  it('keeps a short text whole', () => {
    expect(splitText('Halo', 4096)).toEqual(['Halo']);
  });
  it('breaks at a paragraph before the limit', () => {
    expect(splitText('aaaa aaaa\n\nbbbb', 12)).toEqual(['aaaa aaaa', 'bbbb']);
  });
  it('never exceeds the limit and never loses non-space text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.integer({ min: 10, max: 500 }), (text, max) => {
        const parts = splitText(text, max);
        for (const p of parts) expect(p.length).toBeLessThanOrEqual(max);
        expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
    );
  });
});
