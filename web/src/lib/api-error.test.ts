import { describe, expect, it } from 'vitest';

import { ApiError, apiErrorFrom, networkError, retryAfterSeconds } from './api-error';

const response = (status: number, headers: Record<string, string> = {}) => ({
  status,
  statusText: 'Unprocessable Entity',
  headers: new Headers(headers),
});

describe('apiErrorFrom', () => {
  it('reads the one error shape with its field errors and details', () => {
    const error = apiErrorFrom(response(422), {
      error: {
        status: 422,
        code: 'validation_failed',
        message: '提交的数据不符合表单要求',
        field_errors: [{ field: 'parties.0.name', message: '「姓名」为必填项', validator: 'required' }],
        details: { task: 't1' },
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('提交的数据不符合表单要求');
    expect(error.fieldErrors).toEqual([{ field: 'parties.0.name', message: '「姓名」为必填项', validator: 'required' }]);
    expect(error.details).toEqual({ task: 't1' });
    expect(error.isTransient).toBe(false);
  });

  it('keeps only well-formed field errors', () => {
    const error = apiErrorFrom(response(422), {
      error: { status: 422, code: 'validation_failed', message: 'x', field_errors: [{ field: 'a' }, null, { field: 'b', message: 'm' }] },
    });
    expect(error.fieldErrors).toEqual([{ field: 'b', message: 'm' }]);
  });

  it('still gives an ApiError with the HTTP status for a body in another shape', () => {
    const error = apiErrorFrom({ ...response(502), statusText: 'Bad Gateway' }, '<html>proxy error</html>');
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
    expect(error.isTransient).toBe(true);
  });

  it('carries Retry-After of a 429', () => {
    const error = apiErrorFrom(response(429, { 'Retry-After': '42' }), {
      error: { status: 429, code: 'too_many_requests', message: '请求过于频繁' },
    });
    expect(error.retryAfter).toBe(42);
    expect(error.isTransient).toBe(true);
  });
});

describe('networkError', () => {
  it('is status 0 and worth retrying', () => {
    const error = networkError(new TypeError('Failed to fetch'));
    expect(error.isNetworkError).toBe(true);
    expect(error.isTransient).toBe(true);
    expect(error.message).toBe('Failed to fetch');
  });
});

describe('retryAfterSeconds', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:30 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(30);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
  });
});
