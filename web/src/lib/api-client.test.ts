import { afterEach, describe, expect, it, vi } from 'vitest';

import { api, onCsrfRejected, onUnauthorized, rememberCsrfToken, requestMiddleware } from './api-client';

type Hook = NonNullable<typeof requestMiddleware.onRequest>;
type ResponseHook = NonNullable<typeof requestMiddleware.onResponse>;

async function sent(method: string, path = '/api/v1/tasks/t1/claim'): Promise<Request> {
  const request = new Request(`http://localhost${path}`, { method });
  return (await (requestMiddleware.onRequest as Hook)({ request } as Parameters<Hook>[0])) as Request;
}

async function answered(path: string, status: number, body: unknown = null) {
  const request = new Request(`http://localhost${path}`);
  const response = new Response(body === null ? null : JSON.stringify(body), { status });
  await (requestMiddleware.onResponse as ResponseHook)({ request, response } as Parameters<ResponseHook>[0]);
}

afterEach(() => rememberCsrfToken(null));

describe('the CSRF header', () => {
  it('goes with every unsafe request once the session is known', async () => {
    rememberCsrfToken('token-1');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await sent(method)).headers.get('X-CSRF-Token')).toBe('token-1');
    }
  });

  it('never goes with a safe request, nor before login', async () => {
    rememberCsrfToken('token-1');
    expect((await sent('GET')).headers.get('X-CSRF-Token')).toBeNull();
    rememberCsrfToken(null);
    expect((await sent('POST')).headers.get('X-CSRF-Token')).toBeNull();
  });
});

describe('a 401', () => {
  it('from any call tells the app the session ended', async () => {
    const ended = vi.fn();
    const stop = onUnauthorized(ended);
    await answered('/api/v1/tasks', 401);
    await answered('/api/v1/tasks', 403);
    stop();
    await answered('/api/v1/tasks', 401);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('from the session check itself is just "not logged in"', async () => {
    const ended = vi.fn();
    const stop = onUnauthorized(ended);
    await answered('/api/v1/auth/session', 401);
    stop();
    expect(ended).not.toHaveBeenCalled();
  });
});

describe('a refused CSRF token', () => {
  it('has the session read again, for its current token', async () => {
    const reread = vi.fn();
    const stop = onCsrfRejected(reread);
    await answered('/api/v1/tasks/t1/claim', 403, { error: { status: 403, code: 'csrf_failed', message: 'x' } });
    await answered('/api/v1/tasks/t1/claim', 403, { error: { status: 403, code: 'forbidden', message: 'x' } });
    await answered('/api/v1/tasks/t1/claim', 403, '<html>');
    stop();
    expect(reread).toHaveBeenCalledTimes(1);
  });
});

describe('the API client', () => {
  it('sends a list in a query as one comma-separated value, as the API reads it', async () => {
    let url = '';
    await api.GET('/api/v1/tasks', {
      params: { query: { scope: 'group', risk: ['red', 'orange'], overdue: true } },
      baseUrl: 'http://jiahe.test',
      fetch: async (request: Request) => {
        url = request.url;
        return new Response('{"items":[],"total":0,"page":1,"per_page":20}', { headers: { 'Content-Type': 'application/json' } });
      },
    });
    expect(new URL(url).search).toBe('?scope=group&risk=red,orange&overdue=true');
  });
});
