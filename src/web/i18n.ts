import { accountsEn, accountsId } from './texts/accounts.js';
import { consentEn, consentId } from './texts/consent.js';
import { coordinatorEn, coordinatorId } from './texts/coordinator.js';
import { exportsEn, exportsId } from './texts/exports.js';
import { flowFormEn, flowFormId } from './texts/flow-form.js';
import { inboxEn, inboxId } from './texts/inbox.js';
import { inboxMobileEn, inboxMobileId } from './texts/inbox-mobile.js';
import { newcomerEn, newcomerId } from './texts/newcomer.js';
import { monitoringEn, monitoringId } from './texts/monitoring.js';
import { phoneEn, phoneId } from './texts/phone.js';
import { privacyEn, privacyId } from './texts/privacy.js';
import { whatsappAdminEn, whatsappAdminId } from './texts/whatsapp-admin.js';

/** UI language: Bahasa Indonesia or English, chosen per user (and by the browser before login). */
export type UiLang = 'id' | 'en';

/** A key in two sections would silently take one text; this type is not `never` then, and the line below fails to compile. */
type InboxKey = keyof typeof inboxEn;
type CoordinatorKey = keyof typeof coordinatorEn;
type WhatsAppAdminKey = keyof typeof whatsappAdminEn;
type AccountsKey = keyof typeof accountsEn;
type ConsentKey = keyof typeof consentEn;
type ExportsKey = keyof typeof exportsEn;
type FlowFormKey = keyof typeof flowFormEn;
type InboxMobileKey = keyof typeof inboxMobileEn;
type NewcomerKey = keyof typeof newcomerEn;
type PhoneKey = keyof typeof phoneEn;
type PrivacyKey = keyof typeof privacyEn;
type MonitoringKey = keyof typeof monitoringEn;
type SharedKeys =
  | (CoordinatorKey & InboxKey)
  | (WhatsAppAdminKey & (InboxKey | CoordinatorKey))
  | (AccountsKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey))
  | (ConsentKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey))
  | (ExportsKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey))
  | (FlowFormKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey | ExportsKey))
  | (InboxMobileKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey | ExportsKey | FlowFormKey))
  | (NewcomerKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey | ExportsKey | FlowFormKey | InboxMobileKey))
  | (PhoneKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey | ExportsKey | FlowFormKey | InboxMobileKey | NewcomerKey))
  | (PrivacyKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey | ExportsKey | FlowFormKey | InboxMobileKey | NewcomerKey | PhoneKey))
  | (MonitoringKey & (InboxKey | CoordinatorKey | WhatsAppAdminKey | AccountsKey | ConsentKey | ExportsKey | FlowFormKey | InboxMobileKey | NewcomerKey | PhoneKey | PrivacyKey));
const noSharedKeys: [SharedKeys] extends [never] ? true : SharedKeys = true;
void noSharedKeys;

const en = { ...inboxEn, ...coordinatorEn, ...whatsappAdminEn, ...accountsEn, ...consentEn, ...exportsEn, ...flowFormEn, ...inboxMobileEn, ...newcomerEn, ...phoneEn, ...privacyEn, ...monitoringEn };

/** Every UI text key; a key that is not in the catalogue does not compile. */
export type MsgKey = keyof typeof en;

const id: Record<MsgKey, string> = { ...inboxId, ...coordinatorId, ...whatsappAdminId, ...accountsId, ...consentId, ...exportsId, ...flowFormId, ...inboxMobileId, ...newcomerId, ...phoneId, ...privacyId, ...monitoringId };

/** The one UI catalogue: every key with its text in each language (read-only; for tests and tools). */
export const catalogue: Readonly<Record<UiLang, Readonly<Record<MsgKey, string>>>> = Object.freeze({ en: Object.freeze(en), id: Object.freeze(id) });

/** The UI text for `key` in `lang`, with `{name}` placeholders filled from `vars` (plain text; escaping is the template's job). */
export function t(lang: UiLang, key: MsgKey, vars: Record<string, string | number> = {}): string {
  return catalogue[lang][key].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** True when `key` is a dictionary key (for keys built at run time). */
export function hasKey(key: string): key is MsgKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The UI language for a visitor who is not signed in: the first of id/en in their Accept-Language, else Indonesian. */
export function langFromHeader(header: string | undefined): UiLang {
  for (const part of (header ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'id' || tag === 'en') return tag;
  }
  return 'id';
}

/**
 * A waiting time such as "12 min" / "12 menit", "3 h 5 min" / "3 jam 5 menit", "2 days 4 h" / "2 hari 4 jam": days and
 * hours never share a letter (Indonesian "h" is hari, English "h" is hours), so the units are words where they could clash.
 */
export function formatDuration(lang: UiLang, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return t(lang, 'just_now');
  if (minutes < 60) return t(lang, 'minutes_short', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t(lang, 'hours_short', { h: hours, m: minutes % 60 });
  const days = Math.floor(hours / 24);
  return days === 1 ? t(lang, 'day_one_short', { h: hours % 24 }) : t(lang, 'days_short', { d: days, h: hours % 24 });
}
