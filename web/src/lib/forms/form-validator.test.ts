import type { RJSFSchema } from '@rjsf/utils';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import acceptCase from '../../../../forms/accept_case.schema.json';
import intake from '../../../../forms/intake.schema.json';
import mediationResult from '../../../../forms/mediation_result.schema.json';
import riskScreening from '../../../../forms/risk_screening.schema.json';
import { createFormValidator, isDateTime, localizeFormErrors, withFormDefaults } from './form-validator';

const t = ((key: string) => key) as unknown as TFunction;

/** The errors, each with its field's path ("parties.0.role"). */
function errorsOf(schema: unknown, data: Record<string, unknown>) {
  return createFormValidator()
    .validateFormData(data, schema as RJSFSchema)
    .errors.map((error) => ({ ...error, property: error.property?.replace(/^\./, '') }));
}

describe('task forms validate here as the engine validates them', () => {
  const mediation = {
    result: 'resolved',
    mediated_on: '2026-03-02',
    mediation_summary: '双方达成一致，签订协议',
    dispute_facts: '双方因家务分工长期争吵',
    agreement_terms: '一、家务轮流分担；二、开支共同记账。',
    performance: '自即日起履行',
  };

  it('accepts a complete form (JSON Schema 2020-12, as forms/ declare)', () => {
    expect(errorsOf(mediationResult, mediation)).toEqual([]);
  });

  it('names every missing required field', () => {
    const missing = errorsOf(mediationResult, {}).filter((e) => e.name === 'required').map((e) => e.property);
    expect(missing.sort()).toEqual(['mediated_on', 'mediation_summary', 'result']);
  });

  it('refuses an impossible date and a value outside the choices', () => {
    const errors = errorsOf(mediationResult, { ...mediation, mediated_on: '2026-02-30', result: 'maybe' });
    expect(errors.map((e) => e.name)).toEqual(expect.arrayContaining(['format', 'oneOf']));
  });

  it('requires a field only when its condition holds (allOf / if / then)', () => {
    const reasonMissing = (decision: string) =>
      errorsOf(acceptCase, { decision }).some((e) => e.name === 'required' && e.property === 'not_accepted_reason');
    expect(reasonMissing('not_accept')).toBe(true);
    expect(reasonMissing('accept')).toBe(false);
  });

  it('asks a successful mediation for what its 调解协议书 prints, and only a successful one', () => {
    const bare = { mediated_on: mediation.mediated_on, mediation_summary: mediation.mediation_summary };
    const missing = (result: string) =>
      errorsOf(mediationResult, { ...bare, result }).filter((e) => e.name === 'required').map((e) => e.property);
    expect(missing('resolved').sort()).toEqual(['agreement_terms', 'dispute_facts', 'performance']);
    expect(missing('failed')).toEqual([]);
  });

  it('checks fields inside arrays of parties', () => {
    const errors = errorsOf(intake, { channel: 'phone', dispute_type: 'divorce', summary: '夫妻矛盾激化', parties: [{ name: '林娜' }] });
    expect(errors.map((e) => e.property)).toContain('parties.0.role');
  });
});

describe('isDateTime', () => {
  it('takes RFC 3339 with seconds and an offset, like the server', () => {
    expect(isDateTime('2026-03-02T09:30:00+08:00')).toBe(true);
    expect(isDateTime('2026-03-02T01:30:00.123Z')).toBe(true);
  });

  it('refuses what the server refuses', () => {
    for (const value of ['2026-03-02T09:30+08:00', '2026-03-02T09:30:00', '2026-03-02T09:30:00+0800', '2026-02-30T09:30:00Z', '2026-03-02T24:00:00Z', '2026-03-02']) {
      expect(isDateTime(value), value).toBe(false);
    }
  });
});

describe('localizeFormErrors', () => {
  it("words errors in the person's language and drops the echoes of oneOf and if", () => {
    const errors = errorsOf(mediationResult, { result: 'maybe', mediated_on: 'x', mediation_summary: '短' });
    const localized = localizeFormErrors(errors, t);
    expect(localized.map((e) => [e.property, e.message])).toEqual(
      expect.arrayContaining([
        ['result', 'form.errors.choice'],
        ['mediated_on', 'form.errors.format.date'],
        ['mediation_summary', 'form.errors.minLength'],
      ]),
    );
    expect(localized.some((e) => e.name === 'const')).toBe(false);
  });
});

describe('withFormDefaults', () => {
  it('makes no choice for the person: a oneOf field stays empty until she picks', () => {
    expect(withFormDefaults(createFormValidator(), mediationResult as RJSFSchema, {})).toEqual({});
  });

  it("fills in a schema's own defaults and keeps what is there", () => {
    const filled = withFormDefaults(createFormValidator(), riskScreening as RJSFSchema, { current_injury: true });
    expect(filled).toMatchObject({ current_injury: true });
    const declaredDefaults = Object.entries(riskScreening.properties)
      .filter(([, field]) => 'default' in field)
      .map(([name]) => name);
    for (const name of declaredDefaults.filter((name) => name !== 'current_injury')) {
      expect(filled, name).toHaveProperty(name);
    }
  });
});
