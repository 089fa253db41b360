// Honorifics and titles Indonesians put before a name ("Bu Siti", "Pak Budi", "H. Ahmad"): not part of who the person is.
const HONORIFICS = new Set(['pak', 'bapak', 'bpk', 'bu', 'ibu', 'mas', 'mbak', 'mba', 'bang', 'abang', 'kak', 'kakak', 'dik', 'adik', 'dek', 'om', 'tante', 'h', 'hj', 'haji', 'hajjah', 'dr', 'drg', 'ir', 'mr', 'mrs', 'ms']);

/** A name folded for comparison: no accents, lower case, letters only, honorifics dropped, words sorted ("Siti, Bu" = "bu siti"). */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\s]+/gu, ' ')
    .split(/\s+/)
    .filter((w) => w && !HONORIFICS.has(w))
    .sort()
    .join(' ');
}

/** Jaro-Winkler similarity of two strings, 0 (nothing alike) .. 1 (equal). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, (Math.max(a.length, b.length) >> 1) - 1);
  const aMatch = new Array<boolean>(a.length).fill(false);
  const bMatch = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatch[j] || a[i] !== b[j]) continue;
      aMatch[i] = bMatch[j] = true;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatch[i]) continue;
    while (!bMatch[k]) k++;
    if (a[i] !== b[k]) t++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * One word reduced to how it sounds in Indonesian spelling: old and new spellings ("Soekarno"/"Sukarno", "Djoko"/"Joko",
 * "Tjipto"/"Cipto"), y/i ("Rahmawaty"), doubled letters ("Muhammad"/"Muhamad") and a silent final h ("Fatimah").
 */
export function spellingKey(word: string): string {
  return word
    .replace(/oe/g, 'u')
    .replace(/dj/g, 'j')
    .replace(/tj/g, 'c')
    .replace(/sj/g, 'sy')
    .replace(/ph/g, 'f')
    .replace(/kh/g, 'k')
    .replace(/y/g, 'i')
    .replace(/(\p{L})\1+/gu, '$1')
    .replace(/(?<=[aeiou])h$/, '');
}

/** How two folded names (from `normaliseName`) relate word by word. */
export type NameAgreement = { kind: 'same' | 'spelling' | 'initial' | 'different'; differing: [string, string][] };

/**
 * Compare two normalised names word by word: the same words, the same words spelled differently, one word given as an
 * initial ("Dewi L."), or different words (`differing` lists the pairs that do not agree, e.g. ["dedi", "dewi"]).
 */
export function nameAgreement(a: string, b: string): NameAgreement {
  const wa = a.split(' ').filter(Boolean);
  const wb = b.split(' ').filter(Boolean);
  if (wa.join(' ') === wb.join(' ')) return { kind: 'same', differing: [] };
  const rest = [...wb];
  const unmatched: string[] = [];
  let kind: NameAgreement['kind'] = 'same';
  for (const w of wa) {
    const exact = rest.indexOf(w);
    const variant = exact >= 0 ? exact : rest.findIndex((x) => spellingKey(x) === spellingKey(w));
    const initial = variant >= 0 ? variant : rest.findIndex((x) => (x.length === 1 && w.startsWith(x)) || (w.length === 1 && x.startsWith(w)));
    if (initial < 0) {
      unmatched.push(w);
      continue;
    }
    if (exact < 0) kind = variant >= 0 ? (kind === 'initial' ? 'initial' : 'spelling') : 'initial';
    rest.splice(initial, 1);
  }
  if (unmatched.length === 0 && rest.length === 0) return { kind, differing: [] };
  const differing = unmatched.map((w, i) => [w, rest[i] ?? ''] as [string, string]);
  for (const x of rest.slice(unmatched.length)) differing.push(['', x]);
  return { kind: 'different', differing };
}
