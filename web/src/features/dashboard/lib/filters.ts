/**
 * The cockpit's filters live in the URL (?from=&to=&org_unit=), so a copied link shows the
 * same view. Dates are Beijing calendar days; `to` is exclusive, as the API takes it.
 */
export interface CockpitFilters {
  from: string;
  to: string;
  orgUnit: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function day(year: number, month: number, date: number): string {
  const moment = new Date(Date.UTC(year, month, date));
  return `${moment.getUTCFullYear()}-${pad(moment.getUTCMonth() + 1)}-${pad(moment.getUTCDate())}`;
}

/** The Beijing month `now` falls in, as [first day, first day of the next month). */
export function thisMonth(now: Date): { from: string; to: string } {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  const [year, month] = [beijing.getUTCFullYear(), beijing.getUTCMonth()];
  return { from: day(year, month, 1), to: day(year, month + 1, 1) };
}

export function readFilters(search: URLSearchParams, now: Date): CockpitFilters {
  const month = thisMonth(now);
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const valid = DAY.test(from) && DAY.test(to) && from < to;
  return { from: valid ? from : month.from, to: valid ? to : month.to, orgUnit: search.get('org_unit') || null };
}

export function writeFilters(filters: CockpitFilters): URLSearchParams {
  const search = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.orgUnit) search.set('org_unit', filters.orgUnit);
  return search;
}

/** The query every report takes for these filters. */
export function reportQuery(filters: CockpitFilters): { from: string; to: string; org_unit?: string } {
  return { from: filters.from, to: filters.to, ...(filters.orgUnit ? { org_unit: filters.orgUnit } : {}) };
}

function shifted(text: string, days: number): string {
  const [year = 1970, month = 1, date = 1] = text.split('-').map(Number);
  return day(year, month - 1, date + days);
}

/** The inclusive last day a person reads for an exclusive `to`. */
export function lastDay(to: string): string {
  return shifted(to, -1);
}

/** The exclusive `to` for an inclusive last day. */
export function dayAfter(last: string): string {
  return shifted(last, 1);
}

/** A rate 0–1 as a percentage with one decimal; "—" when nothing was there to count. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}
