/**
 * Where to go after logging in. Only a path on this site: `next` comes from the address bar,
 * and an absolute or protocol-relative URL there would send the user to another site.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/tasks'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next === '/login' || next.startsWith('/login?')) return fallback;
  return next;
}

/** The login page's address for someone who wanted `path`. */
export function loginPath(path: string): string {
  return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}
