/** How hot a step of the heatmap is: by how long cases wait there, relative to the slowest step. */
export interface HeatFigures {
  element_id?: string;
  passed?: number;
  waiting?: number;
  median_hours?: number | null;
  waiting_median_hours?: number | null;
}

export const HEAT_LEVELS = 4;

/** The wait a step is judged by: what completed in the period, else what waits there now. */
export function waitOf(step: HeatFigures): number | null {
  return step.median_hours ?? step.waiting_median_hours ?? null;
}

/**
 * 0 (nobody passed or waits there) to HEAT_LEVELS (the slowest). On a log scale: one step that
 * waits months (a follow-up visit) must not paint every step that waits days the same green.
 */
export function heatLevel(step: HeatFigures, slowest: number): number {
  const wait = waitOf(step);
  if (wait === null || (!step.passed && !step.waiting)) return 0;
  if (slowest <= 0) return 1;
  const share = Math.log1p(Math.max(0, wait)) / Math.log1p(slowest);
  return Math.min(HEAT_LEVELS, Math.max(1, Math.ceil(share * HEAT_LEVELS)));
}

export function slowestWait(steps: readonly HeatFigures[]): number {
  return Math.max(0, ...steps.map((step) => waitOf(step) ?? 0));
}

/** Hours read as hours under two days, else as days. */
export function formatWait(hours: number | null | undefined, units: { hours: string; days: string }): string {
  if (hours === null || hours === undefined) return '—';
  return hours < 48 ? `${hours}${units.hours}` : `${Math.round((hours / 24) * 10) / 10}${units.days}`;
}
