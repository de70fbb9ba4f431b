import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import en from '@/locales/en.json';
import zhCN from '@/locales/zh-CN.json';

import { eventLabel, eventSubjects } from './event-label';

const bpmnFiles = import.meta.glob('../../../../../processes/bpmn/*.bpmn', { query: '?raw', import: 'default', eager: true });

const t = ((key: string, options?: { defaultValue?: string }) => {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], zhCN);
  return typeof value === 'string' ? value : (options?.defaultValue ?? key);
}) as unknown as TFunction;

describe('eventLabel', () => {
  it('names engine events and business events in Chinese', () => {
    expect(eventLabel(t, { type: 'task_completed', data: {} })).toBe('完成任务');
    expect(eventLabel(t, { type: 'escalated', data: {} })).toBe('升级上报');
  });

  it('names a commitment by what was kept', () => {
    expect(eventLabel(t, { type: 'commitment', data: { kind: 'accepted' } })).toBe('有受必理：已受理');
  });

  it('shows a name nobody translated yet as it is', () => {
    expect(eventLabel(t, { type: 'brand_new_event', data: {} })).toBe('brand_new_event');
  });

  it('knows every auditEvent the shipped processes write, in both languages', () => {
    const names = Object.values(bpmnFiles).flatMap((xml) =>
      [...(xml as string).matchAll(/name="auditEvent" value="([a-z_]+)"/g)].map((match) => match[1] ?? ''),
    );
    expect(names.length).toBeGreaterThan(50);
    const missing = names.filter((name) => !(name in zhCN.events) || !(name in en.events));
    expect(missing).toEqual([]);
  });
});

describe('eventSubjects', () => {
  it("names the task of every task event, borrowing task_ready's title", () => {
    const subjects = eventSubjects([
      { seq: 1, type: 'task_ready', task: 't1', data: { title: '风险筛查', name: 'screen_risk' } },
      { seq: 2, type: 'task_completed', task: 't1', data: { name: 'screen_risk' } },
      { seq: 3, type: 'called_process_started', task: 't9', data: { name: '法律援助绿色通道' } },
      { seq: 4, type: 'instance_started', task: null, data: {} },
    ]);
    expect([...subjects]).toEqual([[1, '风险筛查'], [2, '风险筛查'], [3, '法律援助绿色通道']]);
  });

  it('names a document by its title, and labels its making', () => {
    const subjects = eventSubjects([
      { seq: 7, type: 'document_generated', task: null, data: { title: '人民调解协议书', template: 'mediation_agreement' } },
      { seq: 8, type: 'document_attached', task: null, data: { title: '调解协议书（签字盖章）' } },
    ]);
    expect([...subjects]).toEqual([[7, '人民调解协议书'], [8, '调解协议书（签字盖章）']]);
    expect(eventLabel(t, { type: 'document_generated', data: {} })).toBe('生成文书');
    expect(en.events.document_attached).toBe('Signed scan attached');
  });
});
