import { describe, expect, it } from 'vitest';
import { isSkip } from '../../../src/flow/answers/index.js';

describe('skip words for optional questions', () => {
  it.each([
    'lewati', 'Lewati', 'skip', 'SKIP!', 'tidak tahu', 'Tidak tahu.', 'tdk tau', 'gak tau', 'gak tauuu', 'nggak tahu',
    'saya tidak tahu', 'lupa', 'tidak ingat', "don't know", 'dont know', "I don't know", 'idk', 'not sure', '-', '--',
    ' - ', '—', '...', 'none', 'tidak ada', 'n/a',
  ])('%j skips', (input) => {
    expect(isSkip(input)).toBe(true);
  });

  it.each(['', '   ', 'ya', 'tidak', 'Budi', '0812-3456-7890', 'kemarin', 'tahu', 'tahu goreng', '?', 'x'.repeat(5000)])(
    '%j is an answer, not a skip',
    (input) => {
      expect(isSkip(input)).toBe(false);
    },
  );
});
