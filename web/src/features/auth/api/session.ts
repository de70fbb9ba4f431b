import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, rememberCsrfToken, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';

export type Session = components['schemas']['SessionOut'];
export type Membership = components['schemas']['MembershipOut'];

export const sessionKey = ['session'] as const;

/** The signed-in user, or null when the browser holds no valid session cookie. */
async function fetchSession(): Promise<Session | null> {
  try {
    return remembered(await unwrap(api.GET('/api/v1/auth/session')));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      rememberCsrfToken(null);
      return null;
    }
    throw error;
  }
}

function remembered(session: Session): Session {
  rememberCsrfToken(session.csrf_token);
  return session;
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 5 * 60_000 });
}

/** The signed-in user, for components under RequireAuth. */
export function useCurrentUser(): Session {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentUser is for pages under RequireAuth');
  return data;
}

export interface Credentials {
  username: string;
  password: string;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) => unwrap(api.POST('/api/v1/auth/session', { body: credentials })),
    onSuccess: (session) => queryClient.setQueryData(sessionKey, remembered(session)),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/auth/session')),
    // Whatever the server said, this browser is done with the session; the next person on a
    // shared computer must not find the last one's cases in the cache.
    onSettled: () => {
      rememberCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(sessionKey, null);
    },
  });
}
