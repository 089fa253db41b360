/** A person on a shared contact card. */
export interface VCardContact {
  name: string;
  phone: string;
}

function unescapeValue(v: string): string {
  return v.replace(/\\([\\,;nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c)).trim();
}

/**
 * Parse the name and first phone of a vCard (WhatsApp sends 3.0). The phone prefers WhatsApp's `waid` parameter (the digits
 * of the account, always international) and falls back to the TEL value with only `+` and digits kept. Undefined when the
 * card carries no phone.
 */
export function parseVCard(vcard: string, fallbackName?: string | null): VCardContact | undefined {
  // Unfold continuation lines (RFC 6350 §3.2) before reading properties.
  const lines = vcard.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');
  let fn: string | undefined;
  let n: string | undefined;
  let phone: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const head = line.slice(0, colon);
    const value = line.slice(colon + 1);
    const [rawProp = '', ...params] = head.split(';');
    // Apple cards group properties: `item1.TEL;...`.
    const prop = rawProp.replace(/^[^.]*\./, '').toUpperCase();
    if (prop === 'FN' && fn === undefined) fn = unescapeValue(value);
    else if (prop === 'N' && n === undefined) {
      const [family = '', given = ''] = value.split(';');
      n = unescapeValue(`${given} ${family}`);
    } else if (prop === 'TEL' && phone === undefined) {
      const waid = params.map((p) => /^waid=(\d+)$/i.exec(p)?.[1]).find(Boolean);
      const cleaned = waid ? `+${waid}` : value.replace(/[^\d+]/g, '');
      if (cleaned.replace(/\D/g, '').length >= 5) phone = cleaned;
    }
  }
  if (!phone) return undefined;
  const name = fn || n || fallbackName?.trim() || phone;
  return { name: name.slice(0, 200), phone: phone.slice(0, 64) };
}
