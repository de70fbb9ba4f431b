import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import { ApiError, networkError } from './api-error';
import { errorMessage } from './error-message';

const t = ((key: string, options?: Record<string, unknown>) => (options ? `${key}:${JSON.stringify(options)}` : key)) as unknown as TFunction;

describe('errorMessage', () => {
  it('shows a refusal as the server words it (in the language the app asked for)', () => {
    expect(errorMessage(t, new ApiError({ status: 409, code: 'conflict', message: '任务已被认领' }))).toBe('任务已被认领');
  });

  it('has its own words for no answer, a server failure and rate limits', () => {
    expect(errorMessage(t, networkError('offline'))).toBe('errors.network');
    expect(errorMessage(t, new ApiError({ status: 500, code: 'internal_error', message: 'the server could not' }))).toBe('errors.server');
    expect(errorMessage(t, new ApiError({ status: 429, code: 'too_many_requests', message: 'x' }, 30))).toBe('errors.tooManyWait:{"seconds":30}');
    expect(errorMessage(t, new ApiError({ status: 404, code: 'http_404', message: 'NOT FOUND' }))).toBe('errors.unexpected');
    expect(errorMessage(t, new Error('boom'))).toBe('errors.unexpected');
  });
});
