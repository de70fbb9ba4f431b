/**
 * Receipts kept on this device, only when the person asks for it (在本设备保存回执): a phone is
 * often shared, and a receipt is the key to a matter's progress. Nothing else of a submission
 * is ever stored in the browser.
 */
const STORAGE_KEY = 'jiahe.intake.receipts';
const KEPT = 10;

export interface SavedReceipt {
  receipt: string;
  caseNo: string;
  receivedAt: string;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function savedReceipts(storage: Storage | undefined = globalThis.localStorage): SavedReceipt[] {
  try {
    const value: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter(isSavedReceipt) : [];
  } catch {
    return [];
  }
}

/** Newest first; the same receipt once; the last ten. */
export function saveReceipt(saved: SavedReceipt, storage: Storage | undefined = globalThis.localStorage): SavedReceipt[] {
  const receipts = [saved, ...savedReceipts(storage).filter((r) => r.receipt !== saved.receipt)].slice(0, KEPT);
  storage?.setItem(STORAGE_KEY, JSON.stringify(receipts));
  return receipts;
}

export function forgetReceipt(receipt: string, storage: Storage | undefined = globalThis.localStorage): SavedReceipt[] {
  const receipts = savedReceipts(storage).filter((r) => r.receipt !== receipt);
  if (receipts.length) storage?.setItem(STORAGE_KEY, JSON.stringify(receipts));
  else storage?.removeItem(STORAGE_KEY);
  return receipts;
}

/**
 * A receipt as typed or pasted: spaces and line breaks dropped (people copy it in pieces).
 * Null when it cannot be one (receipts are URL-safe letters, digits, - and _).
 */
export function normalizeReceipt(input: string): string | null {
  const receipt = input.replace(/\s+/g, '');
  return /^[A-Za-z0-9_-]{8,64}$/.test(receipt) ? receipt : null;
}

function isSavedReceipt(value: unknown): value is SavedReceipt {
  const r = value as Partial<SavedReceipt> | null;
  return typeof r?.receipt === 'string' && typeof r.caseNo === 'string' && typeof r.receivedAt === 'string';
}
