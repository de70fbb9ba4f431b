import type { Membership } from '../api/session';

/** engine/access.py SUPERVISION_ROLES: who has a 督办 list. */
export const SUPERVISION_ROLES: ReadonlySet<string> = new Set(['supervisor', 'rights_officer', 'admin']);

/** engine/access.py DESIGNER_ROLES and ADMIN_ROLES: who sees the studio and administration. */
export const DESIGNER_ROLES: ReadonlySet<string> = new Set(['process_designer', 'admin']);
export const ADMIN_ROLES: ReadonlySet<string> = new Set(['admin']);

export function holdsAnyRole(memberships: readonly Membership[], roles: ReadonlySet<string>): boolean {
  return memberships.some((m) => roles.has(m.role));
}

export function supervises(memberships: readonly Membership[]): boolean {
  return holdsAnyRole(memberships, SUPERVISION_ROLES);
}

export function holdsRole(memberships: readonly Membership[], role: string | null | undefined): boolean {
  return Boolean(role) && memberships.some((m) => m.role === role);
}
