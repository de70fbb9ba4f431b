import { describe, expect, it } from 'vitest';

import { loginPath, safeNextPath } from './next-path';

describe('safeNextPath', () => {
  it('goes back to the page that asked for the login', () => {
    expect(safeNextPath('/tasks/abc?x=1')).toBe('/tasks/abc?x=1');
  });

  it('never leaves the site', () => {
    for (const next of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      expect(safeNextPath(next)).toBe('/tasks');
    }
  });

  it('does not loop back to the login page', () => {
    expect(safeNextPath('/login?next=/tasks')).toBe('/tasks');
    expect(safeNextPath(null)).toBe('/tasks');
  });
});

describe('loginPath', () => {
  it('remembers where the visitor was going', () => {
    expect(loginPath('/tasks?tab=group')).toBe('/login?next=%2Ftasks%3Ftab%3Dgroup');
    expect(loginPath('/')).toBe('/login');
  });
});
