import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';

import { PageError } from '@/components/PageError';
import { PageSpinner } from '@/components/PageSpinner';
import { onCsrfRejected, onUnauthorized } from '@/lib/api-client';

import { sessionKey, useSession } from '../api/session';
import { loginPath } from '../lib/next-path';

/** Staff pages: a visitor without a session goes to the login page and comes back after. */
export function RequireAuth() {
  const queryClient = useQueryClient();
  const session = useSession();
  const location = useLocation();

  // A 401 from any call means the session ended on the server (expired, logged out
  // elsewhere): forget it, and the redirect below takes the user to the login page.
  useEffect(() => onUnauthorized(() => queryClient.setQueryData(sessionKey, null)), [queryClient]);
  useEffect(() => onCsrfRejected(() => void queryClient.invalidateQueries({ queryKey: sessionKey })), [queryClient]);

  if (session.isPending) return <PageSpinner />;
  if (session.isError) return <PageError error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  return <Outlet />;
}
