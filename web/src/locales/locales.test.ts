import { describe, expect, it } from 'vitest';

import adminEn from '@/features/admin/locales/en.json';
import adminZh from '@/features/admin/locales/zh-CN.json';
import dashboardEn from '@/features/dashboard/locales/en.json';
import dashboardZh from '@/features/dashboard/locales/zh-CN.json';
import designerEn from '@/features/designer/locales/en.json';
import designerZh from '@/features/designer/locales/zh-CN.json';

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

  it.each([
    ['dashboard', dashboardZh, dashboardEn],
    ['designer', designerZh, designerEn],
    ['admin', adminZh, adminEn],
  ])('say the same things in Chinese and English on the %s pages', (_page, zh, english) => {
    expect([...new Set(keys(english))].sort()).toEqual([...new Set(keys(zh))].sort());
  });

  it("keep UI.md's labels", () => {
    expect(zhCN.login).toMatchObject({ username: '用户名', password: '密码', submit: '登录' });
    expect(zhCN.tasks.tabs).toEqual({ mine: '我的待办', group: '待认领', supervised: '督办', done: '已办' });
    expect(zhCN.task).toMatchObject({ claim: '认领', saveDraft: '保存草稿' });
    expect(zhCN.task.submit.button).toBe('提交');
  });
});
