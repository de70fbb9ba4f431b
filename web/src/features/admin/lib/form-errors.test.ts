import { describe, expect, it } from 'vitest';

import { fieldsOf, splitFieldErrors } from './form-errors';

const isField = fieldsOf(['username', 'password', 'memberships.role', 'memberships.org_unit']);

describe('field errors on the new-user form', () => {
  it('puts each error at its field, list entries by index', () => {
    const { fields, rest } = splitFieldErrors(
      [
        { field: 'password', message: '不能少于 8 个字符' },
        { field: 'memberships.0.org_unit', message: '没有组织单位「grid-zz」' },
        { field: 'memberships[1].role', message: '未知的角色' },
      ],
      isField,
    );
    expect(fields).toEqual([
      { name: ['password'], errors: ['不能少于 8 个字符'] },
      { name: ['memberships', 0, 'org_unit'], errors: ['没有组织单位「grid-zz」'] },
      { name: ['memberships', 1, 'role'], errors: ['未知的角色'] },
    ]);
    expect(rest).toEqual([]);
  });

  it('keeps errors about no field of the form for the alert above it, each message once per field', () => {
    const { fields, rest } = splitFieldErrors(
      [
        { field: '(form)', message: '整体错误' },
        { field: 'nickname', message: '不是可接受的字段' },
        { field: 'username', message: '不能为空' },
        { field: 'username', message: '不能为空' },
      ],
      isField,
    );
    expect(fields).toEqual([{ name: ['username'], errors: ['不能为空'] }]);
    expect(rest.map((e) => e.field)).toEqual(['(form)', 'nickname']);
  });
});
