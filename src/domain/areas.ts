/**
 * The areas staff are given (need-to-know access): DKI Jakarta's 6 kota/kabupaten and 44 kecamatan.
 *
 * A kota/kabupaten's code is its Kemendagri code (`31.74` Jakarta Selatan). Public copies of the kecamatan numbering
 * disagree with each other, so a kecamatan's code is its kota's code and its name in lower case with dashes
 * (`31.74.tebet`): unambiguous, readable, and a kecamatan's code starts with its kota's, so a tracer given `31.74` covers
 * every kecamatan in it.
 */

export interface Area {
  code: string;
  name: string;
  /** The kota/kabupaten a kecamatan belongs to; undefined for a kota/kabupaten. */
  parent?: string;
}

const KOTA: Record<string, { name: string; kecamatan: string[] }> = {
  '31.01': { name: 'Kepulauan Seribu', kecamatan: ['Kepulauan Seribu Utara', 'Kepulauan Seribu Selatan'] },
  '31.71': { name: 'Jakarta Pusat', kecamatan: ['Gambir', 'Sawah Besar', 'Kemayoran', 'Senen', 'Cempaka Putih', 'Menteng', 'Tanah Abang', 'Johar Baru'] },
  '31.72': { name: 'Jakarta Utara', kecamatan: ['Penjaringan', 'Tanjung Priok', 'Koja', 'Cilincing', 'Pademangan', 'Kelapa Gading'] },
  '31.73': { name: 'Jakarta Barat', kecamatan: ['Cengkareng', 'Grogol Petamburan', 'Taman Sari', 'Tambora', 'Kebon Jeruk', 'Kalideres', 'Palmerah', 'Kembangan'] },
  '31.74': {
    name: 'Jakarta Selatan',
    kecamatan: ['Tebet', 'Setiabudi', 'Mampang Prapatan', 'Pasar Minggu', 'Kebayoran Lama', 'Cilandak', 'Kebayoran Baru', 'Pancoran', 'Jagakarsa', 'Pesanggrahan'],
  },
  '31.75': { name: 'Jakarta Timur', kecamatan: ['Matraman', 'Pulo Gadung', 'Jatinegara', 'Duren Sawit', 'Kramat Jati', 'Makasar', 'Pasar Rebo', 'Ciracas', 'Cipayung', 'Cakung'] },
};

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
/** Names as people write them: case, spaces and dashes do not matter ("Setia Budi", "setiabudi", "Pulogadung"). */
const key = (name: string) => name.toLowerCase().replace(/^(kota( administrasi)?|kabupaten( administrasi)?|kab\.?|kec\.?|kecamatan)\s+/, '').replace(/[^a-z0-9]/g, '');

/** Every area, each kota/kabupaten followed by its kecamatan. */
export const AREAS: readonly Area[] = Object.freeze(
  Object.entries(KOTA).flatMap(([code, k]) => [{ code, name: k.name }, ...k.kecamatan.map((name) => ({ code: `${code}.${slug(name)}`, name, parent: code }))]),
);

const byCode = new Map(AREAS.map((a) => [a.code, a]));
const kecamatanByName = new Map(AREAS.filter((a) => a.parent).map((a) => [key(a.name), a.code]));
const kotaByName = new Map(AREAS.filter((a) => !a.parent).map((a) => [key(a.name), a.code]));

/** True when `code` is a known area code. */
export function isAreaCode(code: string): boolean {
  return byCode.has(code);
}

/** The area with this code, or undefined. */
export function areaByCode(code: string): Area | undefined {
  return byCode.get(code);
}

/**
 * The most precise area code a case's free-text area names, or null: a code as such (`31.74.tebet`), a kecamatan name
 * ("Tebet", "Tebet, Jakarta Selatan"), or a kota name ("Jakarta Selatan"). A kecamatan name wins over its kota's.
 */
export function areaCodeOf(text: string | null | undefined): string | null {
  if (!text) return null;
  const trimmed = text.trim().toLowerCase();
  if (byCode.has(trimmed)) return trimmed;
  const parts = trimmed.split(/[,/;]/).map(key).filter(Boolean);
  for (const p of parts) {
    const k = kecamatanByName.get(p);
    if (k) return k;
  }
  for (const p of parts) {
    const k = kotaByName.get(p) ?? kotaByName.get(`jakarta${p}`);
    if (k) return k;
  }
  return null;
}

/** True when an area code lies within one of `scope` (the same code, or a kecamatan of a kota in it). */
export function withinAreas(code: string, scope: readonly string[]): boolean {
  return scope.some((s) => code === s || code.startsWith(`${s}.`));
}

/** Parse a list like `31.74,31.75.cakung` into known codes; unknown entries come back in `unknown`. */
export function parseAreaList(text: string): { codes: string[]; unknown: string[] } {
  const codes: string[] = [];
  const unknown: string[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const code = byCode.has(raw.toLowerCase()) ? raw.toLowerCase() : areaCodeOf(raw);
    if (code && !codes.includes(code)) codes.push(code);
    else if (!code) unknown.push(raw);
  }
  return { codes, unknown };
}
