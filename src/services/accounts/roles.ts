/** Account roles, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['tracer', 'coordinator', 'admin'] as const;
export type UserRole = (typeof ROLES)[number];

/** True when `role` is at least `needed` (tracer < coordinator < admin). */
export function hasRole(role: UserRole, needed: UserRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
