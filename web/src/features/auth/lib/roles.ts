import type { Membership } from '../api/session';

/** engine/access.py SUPERVISION_ROLES: who has a 督办 list. */
export const SUPERVISION_ROLES: ReadonlySet<string> = new Set(['supervisor', 'rights_officer', 'admin']);

export function supervises(memberships: readonly Membership[]): boolean {
  return memberships.some((m) => SUPERVISION_ROLES.has(m.role));
}

export function holdsRole(memberships: readonly Membership[], role: string | null | undefined): boolean {
  return Boolean(role) && memberships.some((m) => m.role === role);
}
