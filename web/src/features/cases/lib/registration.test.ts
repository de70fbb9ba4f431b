import { describe, expect, it } from 'vitest';

import { SubmitAttempts } from '@/features/tasks/lib/submit-attempt';

import { defaultOrgUnit, formAsksChannel, registers, registrationBody, splitFieldErrors } from './registration';

const INTAKE_FORM = { properties: { channel: {}, summary: {}, parties: {} } };
const FORM_WITHOUT_CHANNEL = { properties: { household_id: {}, reason: {} } };

describe('the registration request', () => {
  it('takes the channel from the start form when the form asks for it', () => {
    expect(formAsksChannel(INTAKE_FORM)).toBe(true);
    expect(registrationBody({ process: 'dispute_case', orgUnit: 'grid-a1', channel: 'letter' }, { channel: 'phone', summary: '吵架' }, INTAKE_FORM)).toEqual({
      process: 'dispute_case',
      org_unit: 'grid-a1',
      channel: 'phone',
      data: { channel: 'phone', summary: '吵架' },
    });
  });

  it('takes the channel chosen beside a form that has none', () => {
    expect(formAsksChannel(FORM_WITHOUT_CHANNEL)).toBe(false);
    expect(registrationBody({ process: 'key_family_care', orgUnit: 'village-a', channel: 'grid_visit' }, { reason: 'x' }, FORM_WITHOUT_CHANNEL)).toMatchObject({
      channel: 'grid_visit',
      org_unit: 'village-a',
    });
  });

  it('sends blanks for what is not chosen yet, for the server to name', () => {
    expect(registrationBody({ process: 'dispute_case', orgUnit: null, channel: null }, {}, INTAKE_FORM)).toMatchObject({ org_unit: '', channel: '' });
  });

  it('keeps one Idempotency-Key across a double click and a retry, and a new one for changed data', () => {
    let n = 0;
    const attempts = new SubmitAttempts(() => `key-${++n}`);
    const body = registrationBody({ process: 'dispute_case', orgUnit: 'grid-a1', channel: null }, { channel: 'phone', summary: '吵架' }, INTAKE_FORM);
    const first = attempts.keyFor(body);
    expect(attempts.keyFor(structuredClone(body))).toBe(first); // the second click, or a retry after no answer
    const changed = registrationBody({ process: 'dispute_case', orgUnit: 'grid-a2', channel: null }, body.data, INTAKE_FORM);
    expect(attempts.keyFor(changed)).not.toBe(first);
    attempts.answered();
    expect(attempts.keyFor(changed)).toBe('key-3');
  });
});

describe('field errors of a refused registration', () => {
  it('puts form errors at their fields, whichever way the server writes the path', () => {
    const split = splitFieldErrors(
      [
        { field: 'summary', message: '太短' },
        { field: 'data.parties.0.role', message: '必填' },
      ],
      INTAKE_FORM,
    );
    expect(split.form).toEqual([
      { field: 'summary', message: '太短' },
      { field: 'parties.0.role', message: '必填' },
    ]);
    expect(split.request).toEqual({});
  });

  it("puts the request's own fields beside the form, and a channel error at the form's channel when it has one", () => {
    expect(splitFieldErrors([{ field: 'org_unit', message: '没有这个单位' }, { field: 'channel', message: '必填' }], FORM_WITHOUT_CHANNEL)).toEqual({
      form: [],
      request: { org_unit: '没有这个单位', channel: '必填' },
    });
    expect(splitFieldErrors([{ field: 'channel', message: '不在允许范围内' }], INTAKE_FORM).form).toEqual([{ field: 'channel', message: '不在允许范围内' }]);
  });
});

describe('who registers, and where by default', () => {
  const units = [{ id: 'town' }, { id: 'village-a' }, { id: 'grid-a1' }];

  it('knows the intake roles', () => {
    expect(registers([{ role: 'grid_worker' }])).toBe(true);
    expect(registers([{ role: 'village_mediator' }])).toBe(false);
  });

  it('is her own unit where she registers, else the first she sees', () => {
    expect(defaultOrgUnit(units, [{ role: 'intake_clerk', org_unit: 'town' }])).toBe('town');
    expect(defaultOrgUnit(units, [{ role: 'psychologist', org_unit: 'grid-a1' }])).toBe('town');
    expect(defaultOrgUnit([], [{ role: 'intake_clerk', org_unit: 'town' }])).toBeNull();
  });
});
