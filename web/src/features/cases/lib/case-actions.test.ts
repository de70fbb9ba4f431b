import { describe, expect, it } from 'vitest';

import { availableActions, retryData } from './case-actions';

const SUPERVISOR = [{ role: 'supervisor' }];
const ADMIN = [{ role: 'admin' }];
const MEDIATOR = [{ role: 'village_mediator' }];

describe('availableActions', () => {
  it('offers a supervisor what the running case allows', () => {
    expect(availableActions({ status: 'running', incidents: [] }, SUPERVISOR)).toEqual(['suspend', 'escalate', 'terminate', 'migrate']);
    expect(availableActions({ status: 'suspended', incidents: [] }, SUPERVISOR)).toEqual(['resume', 'terminate', 'migrate']);
  });

  it('offers nothing on a finished case, and nothing to those who do not supervise', () => {
    expect(availableActions({ status: 'completed', incidents: [] }, SUPERVISOR)).toEqual([]);
    expect(availableActions({ status: 'running', incidents: [] }, MEDIATOR)).toEqual([]);
  });

  it('offers retry to administrators only, on a case stopped by an incident', () => {
    expect(availableActions({ status: 'incident', incidents: [{}] }, ADMIN)).toContain('retry');
    expect(availableActions({ status: 'incident', incidents: [{}] }, SUPERVISOR)).not.toContain('retry');
    expect(availableActions({ status: 'running', incidents: [] }, ADMIN)).not.toContain('retry');
  });
});

describe('retryData', () => {
  it('takes nothing or a JSON object, and refuses anything else', () => {
    expect(retryData('  ')).toEqual({});
    expect(retryData('{"risk_colour": "red"}')).toEqual({ risk_colour: 'red' });
    expect(retryData('[1]')).toBeNull();
    expect(retryData('{oops')).toBeNull();
  });
});
