import { describe, expect, it } from 'vitest';

import { declaredFields, initialFormData, serverDraftOf, withoutMasked } from './prefill';

const schema = { properties: { result: {}, summary: {}, parties: {} } };
const data = {
  result: 'failed',
  summary: '第一次调解',
  dispute_type: 'divorce',
  parties: [{ name: '林娜', phone: '138****0001' }],
};

describe('initialFormData', () => {
  const base = { schema, data, maskedFields: ['parties[0].phone'], serverDraft: null, localDraft: null };

  it("opens with the case data the form declares, without masked values", () => {
    expect(initialFormData(base)).toEqual({ result: 'failed', summary: '第一次调解', parties: [{ name: '林娜' }] });
  });

  it('prefers the draft saved on the server', () => {
    const serverDraft = { data: { summary: '草稿' }, saved_at: '2026-03-02T01:00:00Z' };
    expect(initialFormData({ ...base, serverDraft })).toEqual({ summary: '草稿' });
  });

  it('prefers edits this browser has not sent yet, unless the server has a newer draft', () => {
    const localDraft = { data: { summary: '本机' }, savedAt: '2026-03-02T02:00:00Z', synced: false };
    const older = { data: { summary: '服务器' }, saved_at: '2026-03-02T01:00:00Z' };
    const newer = { data: { summary: '另一台设备' }, saved_at: '2026-03-02T03:00:00Z' };
    expect(initialFormData({ ...base, localDraft, serverDraft: older })).toEqual({ summary: '本机' });
    expect(initialFormData({ ...base, localDraft, serverDraft: newer })).toEqual({ summary: '另一台设备' });
  });

  it('ignores a local draft the server already has', () => {
    const localDraft = { data: { summary: '旧' }, savedAt: '2026-03-02T02:00:00Z', synced: true };
    expect(initialFormData({ ...base, localDraft })).toEqual(initialFormData(base));
  });
});

describe('declaredFields and withoutMasked', () => {
  it('copy rather than share the case data', () => {
    const copy = declaredFields(schema, data) as typeof data;
    copy.parties.forEach((party) => (party.name = 'x'));
    expect(data.parties.map((party) => party.name)).toEqual(['林娜']);
  });

  it('skip masked paths that are not there', () => {
    expect(withoutMasked({ a: 1 }, ['b.c', 'parties[3].phone'])).toEqual({ a: 1 });
  });
});

describe('serverDraftOf', () => {
  it('accepts a draft and nothing else', () => {
    expect(serverDraftOf({ data: { a: 1 }, saved_at: '2026-03-02T01:00:00Z' })).toEqual({ data: { a: 1 }, saved_at: '2026-03-02T01:00:00Z' });
    expect(serverDraftOf({})).toBeNull();
    expect(serverDraftOf(null)).toBeNull();
  });
});
