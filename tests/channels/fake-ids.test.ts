import { describe, expect, it } from 'vitest';
import { FakePlatform } from '../../src/channels/fake/index.js';

describe('fake platform message ids', () => {
  it('a restarted platform never hands out an id the previous one used (a new patient is not dropped as a duplicate)', () => {
    const before = new FakePlatform();
    const used = new Set(Array.from({ length: 50 }, (_, i) => before.patientSends(`p-${i}`, { kind: 'text', text: 'hi' })));
    const after = new FakePlatform();
    const fresh = Array.from({ length: 50 }, (_, i) => after.patientSends(`new-${i}`, { kind: 'text', text: 'hi' }));
    expect(fresh.filter((id) => used.has(id))).toEqual([]);
    expect(new Set(fresh).size).toBe(50);
  });
});
