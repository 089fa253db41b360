import { MONITORING_POLICY_SETTING, MonitoringPolicy } from '../../domain/monitoring.js';
import type { Repositories } from '../../domain/repositories/index.js';
import { isValidTimeZone } from '../../flow/answers/index.js';
import { audit } from '../audit.js';

/** A problem with a policy a coordinator submitted. */
export interface PolicyProblem {
  field: string;
  message: string;
}

/**
 * The quarantine policy in force: the coordinators' settings row over the deployment's defaults (MONITORING_* config).
 * A row that no longer validates (hand-edited) is ignored in favour of the defaults.
 */
export function getMonitoringPolicy(stores: Pick<Repositories, 'monitoring'>, defaults: MonitoringPolicy): MonitoringPolicy {
  const raw = stores.monitoring.getSetting(MONITORING_POLICY_SETTING);
  if (raw === undefined) return defaults;
  try {
    const parsed = MonitoringPolicy.safeParse({ ...defaults, ...(JSON.parse(raw) as object) });
    return parsed.success && isValidTimeZone(parsed.data.timeZone) ? parsed.data : defaults;
  } catch {
    return defaults;
  }
}

/**
 * Change the policy (any subset of its fields, numbers may arrive as form strings); validated as a whole, stored in the
 * settings row and audited. Applies to records enrolled (or extended) from now on.
 */
export function updateMonitoringPolicy(
  stores: Pick<Repositories, 'monitoring' | 'audit' | 'transactions'>,
  input: unknown,
  actor: { userId: number | null; ip?: string | null },
  defaults: MonitoringPolicy,
  now: number,
): { ok: true; policy: MonitoringPolicy } | { ok: false; problems: PolicyProblem[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, problems: [{ field: '(body)', message: 'send the policy fields' }] };
  const current = getMonitoringPolicy(stores, defaults);
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(input)) merged[k] = typeof v === 'string' && k !== 'timeZone' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  const parsed = MonitoringPolicy.safeParse(merged);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })) };
  if (!isValidTimeZone(parsed.data.timeZone)) return { ok: false, problems: [{ field: 'timeZone', message: 'not a known time zone' }] };
  const policy = parsed.data;
  stores.transactions.transaction(() => {
    stores.monitoring.putSetting(MONITORING_POLICY_SETTING, JSON.stringify(policy), actor.userId, now);
    const changed = Object.keys(policy).filter((k) => policy[k as keyof MonitoringPolicy] !== current[k as keyof MonitoringPolicy]);
    audit(stores, { actorKind: actor.userId === null ? 'system' : 'user', actorId: actor.userId, action: 'monitoring.policy_updated', entityType: 'setting', entityId: MONITORING_POLICY_SETTING, details: { changed, policy }, ip: actor.ip ?? null }, now);
  });
  return { ok: true, policy };
}
