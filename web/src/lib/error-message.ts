import type { TFunction } from 'i18next';

import { ApiError } from './api-error';

/**
 * What to tell a person about a failed call. The server words its refusals in the language
 * the app asks for (Accept-Language), so those are shown as they come; for no answer, a
 * server failure or a body not in our shape the app has its own words.
 */
export function errorMessage(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  if (error.isNetworkError) return t('errors.network');
  if (error.status === 429) {
    return error.retryAfter ? t('errors.tooManyWait', { seconds: error.retryAfter }) : t('errors.tooMany');
  }
  if (error.status >= 500) return t('errors.server');
  if (error.code.startsWith('http_') || !error.message) return t('errors.unexpected');
  return error.message;
}
