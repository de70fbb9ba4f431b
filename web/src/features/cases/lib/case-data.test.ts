import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import { describeCaseData, fieldName, labelsOf, type DataNode, type Labels } from './case-data';
import { durationText, valueFormatter } from './case-values';

const t = ((key: string, options?: { count?: number }) => (options?.count === undefined ? key : `${key}:${options.count}`)) as unknown as TFunction;
const format = valueFormatter(t, 'zh-CN', new Date('2026-12-06T00:00:00Z'));

const LABELS: Labels = labelsOf({
  channel: { title: '来件渠道', choices: { hotline_12338: '12338热线', phone: '来电' } },
  summary: { title: '事由摘要', choices: {} },
  parties: { title: '当事人', choices: {} },
  'parties[]': { title: '当事人', choices: {} },
  'parties[].name': { title: '姓名', choices: {} },
  'parties[].role': { title: '身份', choices: { applicant: '申请人/求助人', respondent: '被申请人' } },
  'parties[].phone': { title: '联系电话', choices: {} },
  agreement: { title: '调解协议', choices: {} },
  'agreement.form': { title: '协议形式', choices: { written: '书面' } },
  violence_forms: { title: '暴力形式', choices: { physical: '身体暴力', verbal: '言语威胁' } },
  risk_colour: { title: '风险颜色', choices: {} },
  mediation_allowed: { title: '可否调解', choices: {} },
  received_at: { title: '收件时间', choices: {} },
});

/** Each node as "label=text", groups and lists with their parts, for readable expectations. */
function flat(nodes: DataNode[]): unknown[] {
  return nodes.map((node) => {
    if (node.kind === 'value') return `${node.label}=${node.text}${node.masked ? ' (masked)' : ''}`;
    if (node.kind === 'group') return { [node.label]: flat(node.children) };
    return { [node.label]: node.items.map((item) => ({ [item.title]: flat(item.children) })) };
  });
}

describe('case data with its labels', () => {
  it('names every field and coded value by its form title, never by its code', () => {
    const nodes = describeCaseData({ channel: 'hotline_12338', summary: '丈夫酒后威胁', risk_colour: 'red', mediation_allowed: false }, LABELS, [], format);
    expect(flat(nodes)).toEqual(['来件渠道=12338热线', '事由摘要=丈夫酒后威胁', '风险颜色=risk.red', '可否调解=case.data.no']);
  });

  it('draws arrays of parties as numbered sections with their own labelled fields', () => {
    const nodes = describeCaseData({ parties: [{ name: '吴秀英', role: 'applicant' }, { name: '黄建国', role: 'respondent' }] }, LABELS, [], format);
    expect(flat(nodes)).toEqual([
      { 当事人: [{ '当事人 1': ['姓名=吴秀英', '身份=申请人/求助人'] }, { '当事人 2': ['姓名=黄建国', '身份=被申请人'] }] },
    ]);
  });

  it('draws a nested object as a section, and a multiple choice as its titles', () => {
    const nodes = describeCaseData({ agreement: { form: 'written' }, violence_forms: ['physical', 'verbal'] }, LABELS, [], format);
    expect(flat(nodes)).toEqual([{ 调解协议: ['协议形式=书面'] }, '暴力形式=身体暴力、言语威胁']);
  });

  it('keeps the order the case wrote, with fields no form names last, under their key', () => {
    const nodes = describeCaseData({ risk_score: 5, summary: '摘要', answers: [true, false], channel: 'phone' }, LABELS, [], format);
    expect(nodes.map((node) => [node.label, node.labelled])).toEqual([
      ['事由摘要', true],
      ['来件渠道', true],
      ['risk_score', false],
      ['answers', false],
    ]);
  });

  it('shows masked values as the server sent them and marks them', () => {
    const nodes = describeCaseData({ parties: [{ name: '李四', phone: '139****5678' }] }, LABELS, ['parties[0].phone'], format);
    expect(flat(nodes)).toEqual([{ 当事人: [{ '当事人 1': ['姓名=李四', '联系电话=139****5678 (masked)'] }] }]);
    const party = nodes[0];
    expect(party?.kind === 'list' && party.items[0]?.children[1]?.path).toBe('parties[0].phone');
  });

  it('leaves out empty values', () => {
    expect(describeCaseData({ summary: '', parties: [], agreement: { form: null }, channel: null }, LABELS, [], format)).toEqual([]);
  });
});

describe('values', () => {
  it('reads dates, times and durations as words', () => {
    expect(format('2026-12-06T12:00:00Z', { key: 'received_at', choices: {} })).toMatch(/12月6日/);
    expect(format('2027-03-01', { key: 'visited_on', choices: {} })).toBe('2027年3月1日');
    expect(format('P1M', { key: 'visit_interval', choices: {} })).toBe('duration.months:1');
    expect(durationText('P1DT2H', t)).toBe('duration.days:1 duration.hours:2');
    expect(durationText('PT', t)).toBeNull();
    expect(durationText('Peter', t)).toBeNull();
  });

  it('names the network levels and risk colours a decision table writes', () => {
    expect(format('town', { key: 'handling_level', choices: {} })).toBe('orgLevel.town');
    expect(format('town', { key: 'summary', choices: {} })).toBe('town');
    expect(format('blue', { key: 'new_colour', choices: { blue: '蓝色' } })).toBe('蓝色');
  });
});

describe('fieldName', () => {
  it('names a concrete path by its labels, with the item number', () => {
    expect(fieldName('parties[0].phone', LABELS)).toBe('当事人 1 · 联系电话');
    expect(fieldName('reporter_phone', LABELS)).toBe('reporter_phone');
    expect(fieldName('agreement.form', LABELS)).toBe('调解协议 · 协议形式');
  });
});

describe('labelsOf', () => {
  it('keeps only well-formed entries', () => {
    expect(labelsOf({ a: { title: 'A', choices: { x: 'X', y: 3 } }, b: 'nonsense', c: { choices: null } })).toEqual({
      a: { title: 'A', choices: { x: 'X' } },
      c: { title: null, choices: {} },
    });
  });
});
