import createClient, { type Middleware } from 'openapi-fetch';

import type { paths } from '@/api/schema';

import { apiErrorFrom, networkError } from './api-error';
import i18n from './i18n';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SESSION_PATH = '/api/v1/auth/session';

/**
 * The session's CSRF token lives only in this module's memory: never in localStorage, where
 * any script on the page could read it. After a reload it is read again from GET /auth/session.
 */
let csrfToken: string | null = null;

export function rememberCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
const csrfRejectedListeners = new Set<Listener>();

/** Called when any call but the session check itself answers 401: the session has ended. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * Called when the server refused the CSRF token (403 csrf_failed): the session was renewed
 * elsewhere, say in another tab, and the token must be read again.
 */
export function onCsrfRejected(listener: Listener): () => void {
  csrfRejectedListeners.add(listener);
  return () => csrfRejectedListeners.delete(listener);
}

export const requestMiddleware: Middleware = {
  onRequest({ request }) {
    // The server words its error messages in this language.
    request.headers.set('Accept-Language', i18n.language);
    if (csrfToken && UNSAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status === 401 && new URL(request.url).pathname !== SESSION_PATH) {
      unauthorizedListeners.forEach((listener) => listener());
    }
    if (response.status === 403 && (await errorCode(response)) === 'csrf_failed') {
      csrfRejectedListeners.forEach((listener) => listener());
    }
    return response;
  },
};

async function errorCode(response: Response): Promise<unknown> {
  try {
    return ((await response.clone().json()) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return undefined;
  }
}

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  // The API reads a list in a query as one comma-separated value (risk=red,orange).
  querySerializer: { array: { style: 'form', explode: false } },
});
api.use(requestMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The response's data, or an ApiError for an error answer or no answer at all. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw apiErrorFrom(result.response, result.error);
  return result.data as T;
}
