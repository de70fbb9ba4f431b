import { describe, expect, it } from 'vitest';

import { fieldPath, toErrorSchema } from './field-errors';

describe('toErrorSchema', () => {
  it('puts each message at its field, nested fields and array items included', () => {
    expect(
      toErrorSchema([
        { field: 'summary', message: '「调解经过」太短' },
        { field: 'parties.0.name', message: '「姓名」为必填项' },
        { field: 'parties.1.role', message: '「身份」为必填项' },
      ]),
    ).toEqual({
      summary: { __errors: ['「调解经过」太短'] },
      parties: { 0: { name: { __errors: ['「姓名」为必填项'] } }, 1: { role: { __errors: ['「身份」为必填项'] } } },
    });
  });

  it('puts errors about the whole form at its root, each message once', () => {
    expect(toErrorSchema([{ field: '(form)', message: 'a' }, { field: '(form)', message: 'a' }, { field: '', message: 'b' }])).toEqual({
      __errors: ['a', 'b'],
    });
  });

  it('keeps two messages for one field', () => {
    expect(toErrorSchema([{ field: 'age', message: 'x' }, { field: 'age', message: 'y' }])).toEqual({ age: { __errors: ['x', 'y'] } });
  });
});

describe('fieldPath', () => {
  it('reads dotted and bracketed paths alike', () => {
    expect(fieldPath('parties.0.phone')).toEqual(['parties', '0', 'phone']);
    expect(fieldPath('parties[0].phone')).toEqual(['parties', '0', 'phone']);
    expect(fieldPath('(form)')).toEqual([]);
  });
});
