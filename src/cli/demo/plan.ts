import { addDays, localDate } from '../../flow/answers/index.js';

/** Who the demo invents: names, areas, phones, contacts and outcomes, drawn from a seeded random source (pure). */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const MIN = 60_000;

export type Outcome = 'completed' | 'in_progress' | 'breathing' | 'asked' | 'callback' | 'identity' | 'unreachable' | 'opted_out' | 'not_reached';

// 60 cases' outcomes, shuffled per seed; the proportions of a programme that is coping but behind.
const OUTCOMES: [Outcome, number][] = [
  ['completed', 32],
  ['in_progress', 7],
  ['breathing', 4],
  ['asked', 4],
  ['callback', 3],
  ['identity', 2],
  ['unreachable', 4],
  ['opted_out', 2],
  ['not_reached', 2],
];

const FIRST_F = ['Siti', 'Dewi', 'Ayu', 'Rina', 'Putri', 'Sri', 'Nur', 'Indah', 'Wulan', 'Fitri', 'Ratna', 'Yuni', 'Lestari', 'Maya', 'Intan', 'Kartika', 'Nurul', 'Dian', 'Eka', 'Rahma'];
const FIRST_M = ['Budi', 'Agus', 'Joko', 'Andi', 'Eko', 'Rudi', 'Ahmad', 'Dedi', 'Hendra', 'Bambang', 'Fajar', 'Rizki', 'Yusuf', 'Dimas', 'Arif', 'Teguh', 'Wahyu', 'Irfan', 'Bayu', 'Hadi'];
const LAST = ['Santoso', 'Wijaya', 'Saputra', 'Lestari', 'Hidayat', 'Kurniawan', 'Setiawan', 'Pratama', 'Siregar', 'Nasution', 'Hasibuan', 'Simanjuntak', 'Gunawan', 'Susanto', 'Rahmawati', 'Purnomo', 'Halim', 'Sitompul', 'Wibowo', 'Utami', 'Ramadhan', 'Harahap', 'Manurung', 'Tanjung'];
const AREAS: Record<string, string[]> = {
  'Jakarta Selatan': ['Kebayoran Baru', 'Kebayoran Lama', 'Cilandak', 'Pasar Minggu', 'Jagakarsa', 'Mampang Prapatan', 'Pancoran', 'Tebet', 'Setiabudi', 'Pesanggrahan'],
  'Jakarta Timur': ['Cakung', 'Duren Sawit', 'Jatinegara', 'Kramat Jati', 'Makasar', 'Matraman', 'Pasar Rebo', 'Ciracas', 'Cipayung', 'Pulo Gadung'],
  'Jakarta Barat': ['Cengkareng', 'Grogol Petamburan', 'Kalideres', 'Kebon Jeruk', 'Kembangan', 'Palmerah', 'Taman Sari', 'Tambora'],
  'Jakarta Utara': ['Cilincing', 'Kelapa Gading', 'Koja', 'Pademangan', 'Penjaringan', 'Tanjung Priok'],
  'Jakarta Pusat': ['Cempaka Putih', 'Gambir', 'Johar Baru', 'Kemayoran', 'Menteng', 'Sawah Besar', 'Senen', 'Tanah Abang'],
};
const MOBILE_PREFIXES = ['811', '812', '813', '821', '822', '823', '852', '853', '814', '815', '816', '855', '856', '857', '858', '817', '818', '819', '859', '877', '878', '895', '896', '897', '898', '881', '882', '887', '888'];
const SETTINGS: { value: string; id: string; en: string; weight: number }[] = [
  { value: 'household', id: 'serumah', en: 'same household', weight: 5 },
  { value: 'workplace', id: 'kantor', en: 'office', weight: 3 },
  { value: 'transport', id: 'krl', en: 'train', weight: 1 },
  { value: 'social', id: 'arisan', en: 'party', weight: 1 },
  { value: 'worship', id: 'masjid', en: 'mosque', weight: 1 },
];
const PLACES = ['Pasar Minggu', 'Masjid Istiqlal', 'Stasiun Manggarai', 'Mall Kota Kasablanka', 'Warung Padang Sederhana, Tebet', 'Kantor Kelurahan Cakung Barat', 'Gereja Katedral', 'Pasar Tanah Abang', 'Puskesmas Kecamatan Koja'];

export interface ContactPlan {
  name: string;
  phone: string | null;
  setting: (typeof SETTINGS)[number];
  symptoms: boolean;
}

export interface CasePlan {
  externalId: string;
  name: string;
  phone: string;
  dateOfBirth: string | null;
  area: string;
  testDate: string;
  confirmedAt: number;
  lang: 'id' | 'en';
  channel: 'telegram' | 'whatsapp';
  outcome: Outcome;
  symptoms: boolean;
  contacts: ContactPlan[];
  places: string[];
  /** Hours from confirmation to the patient's first message. */
  delayHours: number;
  /** For in_progress / asked / opted_out: how many answers before stopping or asking. */
  stopAfter: number;
}

/** Plan `n` cases confirmed over the week before `now`, with their contacts, chains and outcomes; deterministic for `random`. */
export function planCases(random: () => number, now: number, n: number, tz: string): CasePlan[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const usedPhones = new Set<string>();
  const phone = (): string => {
    for (;;) {
      const p = `+62${pick(MOBILE_PREFIXES)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
      if (!usedPhones.has(p)) {
        usedPhones.add(p);
        return p;
      }
    }
  };
  const person = () => {
    const female = random() < 0.5;
    return `${pick(female ? FIRST_F : FIRST_M)} ${pick(LAST)}`;
  };
  const area = () => {
    const city = pick(Object.keys(AREAS));
    return `${pick(AREAS[city]!)}, ${city}`;
  };
  const setting = () => {
    const total = SETTINGS.reduce((s, x) => s + x.weight, 0);
    let r = random() * total;
    for (const s of SETTINGS) if ((r -= s.weight) < 0) return s;
    return SETTINGS[0]!;
  };

  const outcomes: Outcome[] = [];
  for (const [o, k] of OUTCOMES) for (let i = 0; i < Math.round((k * n) / 60); i++) outcomes.push(o);
  while (outcomes.length < n) outcomes.push('completed');
  outcomes.length = n;
  for (let i = outcomes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [outcomes[i], outcomes[j]] = [outcomes[j]!, outcomes[i]!];
  }

  const plans: CasePlan[] = [];
  for (let i = 0; i < n; i++) {
    // More cases lately: the curve of a wave that is growing.
    const ageDays = 7 * (1 - Math.sqrt(random()));
    const confirmedAt = Math.round(now - ageDays * DAY - 30 * MIN);
    const today = localDate(confirmedAt, tz);
    const age = 18 + Math.floor(random() * 60);
    plans.push({
      externalId: '',
      name: person(),
      phone: phone(),
      dateOfBirth: random() < 0.8 ? addDays(`${Number(today.slice(0, 4)) - age}-01-01`, Math.floor(random() * 365)) : null,
      area: area(),
      testDate: addDays(today, -1 - Math.floor(random() * 2)),
      confirmedAt,
      lang: random() < 0.15 ? 'en' : 'id',
      channel: random() < 0.65 ? 'telegram' : 'whatsapp',
      outcome: outcomes[i]!,
      symptoms: random() < 0.7,
      contacts: [],
      places: random() < 0.5 ? [pick(PLACES)] : [],
      delayHours: random() < 0.8 ? 0.3 + random() * 18 : 20 + random() * 24,
      stopAfter: 3 + Math.floor(random() * 8),
    });
  }
  plans.sort((a, b) => a.confirmedAt - b.confirmedAt);
  plans.forEach((p, i) => {
    p.externalId = `DKI-${localDate(p.confirmedAt, tz).slice(2).replace(/-/g, '')}-${String(i + 1).padStart(3, '0')}`;
  });

  const counts = [0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6];
  for (const p of plans) {
    const k = pick(counts);
    for (let j = 0; j < k; j++) p.contacts.push({ name: person(), phone: random() < 0.75 ? phone() : null, setting: setting(), symptoms: random() < 0.15 });
  }
  // People several patients name: one contact record (same phone), several exposures.
  const completedIdx = plans.map((p, i) => (p.outcome === 'completed' ? i : -1)).filter((i) => i >= 0);
  for (let s = 0; s < 4; s++) {
    const shared: ContactPlan = { name: person(), phone: phone(), setting: SETTINGS[1]!, symptoms: false };
    for (const i of [completedIdx[s * 2 + 1], completedIdx[s * 2 + 8]]) if (i !== undefined) plans[i]!.contacts.push({ ...shared });
  }
  // The same person typed differently, without a phone: offered to a coordinator as a likely duplicate.
  for (let s = 0; s < 2; s++) {
    const base = person();
    const a = completedIdx[s + 3];
    const b = completedIdx[s + 12];
    if (a === undefined || b === undefined) continue;
    plans[a]!.contacts.push({ name: base, phone: null, setting: SETTINGS[4]!, symptoms: false });
    plans[b]!.contacts.push({ name: `${s === 0 ? 'Bu' : 'Pak'} ${base.replace(/i\b/, 'y')}`, phone: null, setting: SETTINGS[4]!, symptoms: false });
  }
  // Transmission chains: an early case names someone who is confirmed days later (same phone), who names the next.
  const chain = (from: number, to: number) => {
    const src = plans[from];
    const dst = plans[to];
    if (!src || !dst || from >= to) return;
    src.outcome = 'completed';
    src.delayHours = 1 + random() * 2;
    src.contacts.push({ name: dst.name, phone: dst.phone, setting: SETTINGS[0]!, symptoms: true });
  };
  const third = Math.floor(n / 3);
  chain(0, third);
  chain(third, 2 * third + 2);
  chain(2, third + 4);
  // The newest cases have not been reached yet.
  for (const p of plans.slice(-2)) p.outcome = 'not_reached';
  return plans;
}
