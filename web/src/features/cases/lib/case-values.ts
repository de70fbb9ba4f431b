import type { TFunction } from 'i18next';

import { formatDateTime } from '@/lib/due';
import { isRiskColour } from '@/lib/risk';

import type { ValueFormatter } from './case-data';

/** The five levels of the network (DOMAIN.md), as the engine spells them. */
const ORG_LEVELS = ['city', 'county', 'town', 'village', 'grid'] as const;
type OrgLevel = (typeof ORG_LEVELS)[number];

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const DURATION_UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/**
 * How a case's values read. A coded value takes its title from the form; what decision tables
 * and scripts write has no form to name it, so the codes every page knows are named here (risk
 * colours, the levels of the network), and dates, ISO durations and yes/no read as words.
 */
export function valueFormatter(t: TFunction, language: string, now: Date = new Date()): ValueFormatter {
  return (value, { key, choices }) => {
    if (typeof value === 'boolean') return choices[String(value)] ?? t(value ? 'case.data.yes' : 'case.data.no');
    if (typeof value === 'number') return choices[String(value)] ?? value.toLocaleString(language);
    if (typeof value !== 'string') return JSON.stringify(value);
    const choice = choices[value];
    if (choice) return choice;
    if (/colou?r/.test(key) && isRiskColour(value)) return t(`risk.${value}`);
    if (/level/.test(key) && isOrgLevel(value)) return t(`orgLevel.${value}`);
    if (DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return formatDateTime(value, language, now);
    const date = DATE.exec(value);
    if (date) return formatDate(date, language);
    const duration = durationText(value, t);
    return duration ?? value;
  };
}

function isOrgLevel(value: string): value is OrgLevel {
  return (ORG_LEVELS as readonly string[]).includes(value);
}

/** A calendar date as written in the form (no time zone to convert: it is the same day everywhere). */
function formatDate([, year, month, day]: RegExpExecArray, language: string): string {
  const at = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return new Intl.DateTimeFormat(language, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(at);
}

/** An ISO 8601 duration (P30D, PT1H, P1M) in words: 30 天, 1 小时, 1 个月. Null when not one. */
export function durationText(value: string, t: TFunction): string | null {
  const match = DURATION.exec(value);
  if (!match) return null;
  const parts = DURATION_UNITS.flatMap((unit, i) => {
    const amount = Number(match[i + 1] ?? 0);
    return amount ? [t(`duration.${unit}`, { count: amount })] : [];
  });
  return parts.length ? parts.join(' ') : null;
}
