/**
 * "nama saya Budi Santoso", "Saya Budi", "my name is Budi": people introduce the name a question asked for. The
 * introduction is dropped so the name is saved (and compared) as the name alone.
 */
const INTRO =
  /^\s*(?:(?:nama\s+(?:lengkap\s+)?(?:saya|sy|aku|ku|gue|gw)|namaku|namanya|nama\s+(?:dia|beliau|lengkapnya)|nama\s+lengkapku|my\s+(?:full\s+)?name\s+is|my\s+name'?s|i\s*['’]?\s*a?m|saya|aku|sy|this\s+is|ini)(?=[\s:,.-])\s*(?:(?:adalah|ialah|yaitu)\b)?\s*[:,.-]?\s*)/iu;

/** The introduction-free name, or undefined when the text does not start with one (or nothing follows it). */
export function stripNameIntro(input: string): string | undefined {
  const m = INTRO.exec(input.slice(0, 300));
  if (!m) return undefined;
  const rest = input.slice(m[0].length).trim().replace(/[.!]+$/u, '').trim();
  return /\p{L}.*\p{L}/u.test(rest) ? rest : undefined;
}

/** True when an answer key or question id is about a person's name (`name`, `full_name`, `contact_name`, `nama`). */
export function isNameKey(key: string | undefined): boolean {
  return key !== undefined && /(^|_)(full_)?(name|nama)$/.test(key);
}
