import { describe, expect, it } from 'vitest';

import en from './en.json';
import zhCN from './zh-CN.json';

/** Every key, with i18next's plural suffixes folded (Chinese has no plural forms). */
function keys(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix.replace(/_(one|other)$/, '')];
  return Object.entries(node).flatMap(([key, value]) => keys(value, prefix ? `${prefix}.${key}` : key));
}

describe('the locale files', () => {
  it('say the same things in Chinese and English', () => {
    expect([...new Set(keys(en))].sort()).toEqual([...new Set(keys(zhCN))].sort());
  });

  it("keep UI.md's labels", () => {
    expect(zhCN.login).toMatchObject({ username: '用户名', password: '密码', submit: '登录' });
    expect(zhCN.tasks.tabs).toEqual({ mine: '我的待办', group: '待认领', supervised: '督办', done: '已办' });
    expect(zhCN.task).toMatchObject({ claim: '认领', saveDraft: '保存草稿' });
    expect(zhCN.task.submit.button).toBe('提交');
  });
});
