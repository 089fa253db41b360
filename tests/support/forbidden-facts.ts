/**
 * What a message sent before identity is proven must not contain (issue 17): a diagnosis or test result in Indonesian or
 * English, the date of birth in any usual form, the case number, the full name, and other persons' names.
 */
const DIAGNOSIS = [
  /covid/i, /corona/i, /sars/i, /positif/i, /positive/i, /negatif/i, /negative/i, /hasil tes/i, /test result/i, /\bswab\b/i,
  /\bpcr\b/i, /antigen/i, /isolasi/i, /isolat/i, /karantina/i, /quarantin/i, /terinfeksi/i, /infect/i, /diagnos/i, /terpapar/i,
  /expos/i, /kontak erat/i, /close contact/i, /\bkasus\b/i, /\bcase\b/i, /laboratori/i, /penyakit/i, /illness/i, /disease/i,
];
const MONTHS_ID = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The person a first message is for, and the other people it must not name. */
export interface Subject {
  name: string;
  dateOfBirth?: string;
  caseNumber?: string;
  others?: string[];
}

function dobForms(iso: string): string[] {
  const [y, m, d] = iso.split('-');
  const mi = Number(m) - 1;
  const day = String(Number(d));
  return [iso, `${d}/${m}/${y}`, `${day}/${Number(m)}/${y}`, `${d}-${m}-${y}`, `${day} ${MONTHS_ID[mi]}`, `${day} ${MONTHS_EN[mi]}`, y!];
}

/**
 * The forbidden facts found in `text` ([] when none). Case numbers, with the words "kasus"/"case", count as
 * the diagnosis: a stranger who reads "your case" learns it. The first name alone is allowed.
 */
export function forbiddenFacts(text: string, s: Subject): string[] {
  const found: string[] = [];
  for (const re of DIAGNOSIS) if (re.test(text)) found.push(`diagnosis word ${re}`);
  if (s.dateOfBirth) for (const f of dobForms(s.dateOfBirth)) if (text.includes(f)) found.push(`date of birth (${f})`);
  if (s.caseNumber && text.toLowerCase().includes(s.caseNumber.toLowerCase())) found.push('case number');
  const parts = s.name.trim().split(/\s+/);
  if (parts.length > 1 && text.includes(parts.slice(1).join(' '))) found.push('full name');
  for (const o of s.others ?? []) for (const p of o.split(/\s+/)) if (p.length > 2 && text.includes(p)) found.push(`other person (${p})`);
  return found;
}
