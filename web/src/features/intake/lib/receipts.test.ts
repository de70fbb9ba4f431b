import { describe, expect, it } from 'vitest';

import { forgetReceipt, normalizeReceipt, savedReceipts, saveReceipt } from './receipts';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    items,
  };
}

const receipt = (n: number) => ({ receipt: `receipt-${String(n).padStart(4, '0')}`, caseNo: `JH-2026-${n}`, receivedAt: '2026-12-06T02:19:00Z' });

describe('receipts kept on this device', () => {
  it('keeps the newest first, each once, at most ten', () => {
    const storage = memoryStorage();
    for (let n = 1; n <= 12; n++) saveReceipt(receipt(n), storage);
    saveReceipt(receipt(5), storage);
    const kept = savedReceipts(storage);
    expect(kept).toHaveLength(10);
    expect(kept[0]).toEqual(receipt(5));
    expect(kept.filter((r) => r.receipt === receipt(5).receipt)).toHaveLength(1);
  });

  it('forgets a receipt, and leaves nothing behind when the last one goes', () => {
    const storage = memoryStorage();
    saveReceipt(receipt(1), storage);
    saveReceipt(receipt(2), storage);
    expect(forgetReceipt(receipt(2).receipt, storage)).toEqual([receipt(1)]);
    forgetReceipt(receipt(1).receipt, storage);
    expect(storage.items.size).toBe(0);
  });

  it('survives whatever else is stored under its name', () => {
    const storage = memoryStorage();
    storage.setItem('jiahe.intake.receipts', '{not json');
    expect(savedReceipts(storage)).toEqual([]);
    storage.setItem('jiahe.intake.receipts', JSON.stringify([{ receipt: 1 }, receipt(3)]));
    expect(savedReceipts(storage)).toEqual([receipt(3)]);
  });
});

describe('normalizeReceipt', () => {
  it('takes a receipt copied with spaces or line breaks', () => {
    expect(normalizeReceipt(' 0Evew5Qdzo NQmD9kwPh\nOY81n ')).toBe('0Evew5QdzoNQmD9kwPhOY81n');
  });

  it('refuses what cannot be a receipt', () => {
    expect(normalizeReceipt('abc')).toBeNull();
    expect(normalizeReceipt('../../etc/passwd')).toBeNull();
    expect(normalizeReceipt('')).toBeNull();
  });
});
