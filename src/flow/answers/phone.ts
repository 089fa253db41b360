import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { AnswerSpec } from '../definition.js';
import { fail, type ParseContext, type ParseResult } from './context.js';

type PhoneSpec = Extract<AnswerSpec, { type: 'phone' }>;

const MAX_INPUT = 100;
/** A phone-looking run inside a sentence ("nomor saya 0812-3456-7890"). */
const PHONE_RUN = /\+?\(?\d[\d\s().\-/]{4,}\d/;
const NON_DIGITS = /\D/g;
const FALLBACK_COUNTRY: CountryCode = 'ID';

/** The flow's country as a libphonenumber country, falling back to Indonesia for an unknown code. */
export function phoneCountry(spec: PhoneSpec, ctx: Pick<ParseContext, 'defaultCountry'>): CountryCode {
  const code = (spec.default_country ?? ctx.defaultCountry).toUpperCase();
  return isSupportedCountry(code) ? code : FALLBACK_COUNTRY;
}

function valid(text: string, country: CountryCode): string | undefined {
  const p = parsePhoneNumberFromString(text, country);
  return p?.isValid() ? p.number : undefined;
}

/**
 * A phone number as E.164 ('+6281234567890'), validated with libphonenumber's full metadata: `0812-3456-7890`,
 * `+62 812 3456 7890`, `62812…`, `812…`, `(021) 555-1234`, `+44 7911 123456`, `0062…`. Problem: `phone:invalid`.
 */
export function parsePhone(spec: PhoneSpec, input: string, ctx: ParseContext): ParseResult {
  if (input.length > MAX_INPUT) return fail('phone:invalid');
  const run = PHONE_RUN.exec(input.normalize('NFKC'));
  if (!run) return fail('phone:invalid');
  const text = run[0];
  const digits = text.replace(NON_DIGITS, '');
  if (digits.length < 6 || digits.length > 16) return fail('phone:invalid');
  const country = phoneCountry(spec, ctx);
  let e164: string | undefined;
  if (text.startsWith('+')) {
    e164 = valid(text, country) ?? valid(`+${digits}`, country);
  } else if (digits.startsWith('00')) {
    e164 = valid(`+${digits.slice(2)}`, country);
  } else {
    // "62812…" (a contact card or a patient who dropped the +) is an international number when that reading is valid.
    const callingCode = getCountryCallingCode(country);
    if (!digits.startsWith('0') && digits.startsWith(callingCode)) e164 = valid(`+${digits}`, country);
    e164 ??= valid(digits, country);
    if (e164 === undefined && !digits.startsWith('0')) e164 = valid(`0${digits}`, country);
  }
  return e164 === undefined ? fail('phone:invalid') : { ok: true, value: e164 };
}
