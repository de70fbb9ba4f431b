import {
  createSchemaUtils,
  type Experimental_DefaultFormStateBehavior,
  type RJSFSchema,
  type RJSFValidationError,
  type ValidatorType,
} from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import type { TFunction } from 'i18next';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * RFC 3339 date-time exactly as the engine checks it (engine/definitions/forms.py): seconds
 * and an offset written ±hh:mm or Z. ajv-formats' own check also takes "+0800" and "+08",
 * which the server refuses.
 */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate();
  return (
    within(month, 1, 12) && within(day, 1, daysInMonth) && within(hour, 0, 23) && within(minute, 0, 59) &&
    within(second, 0, 59) && within(offsetHours, 0, 23) && within(offsetMinutes, 0, 59)
  );
}

function within(value: number | undefined, low: number, high: number): boolean {
  return value !== undefined && value >= low && value <= high;
}

/**
 * The validator for task forms: JSON Schema 2020-12 (what forms/*.json declare and the
 * engine checks), with ajv-formats' formats (RJSF adds them), so that a date the server
 * would refuse is refused here first.
 */
export function createFormValidator() {
  return customizeValidator({ AjvClass: Ajv2020, customFormats: { 'date-time': isDateTime } });
}

/**
 * How the form fills in defaults. RJSF would take the first `const` of a oneOf as a field's
 * default, so that 调解结果 opened as 调解成功 and a required choice looked made before anyone
 * made it: only a schema's own `default` counts here, as in the engine.
 */
export const DEFAULTS_BEHAVIOUR: Experimental_DefaultFormStateBehavior = { constAsDefaults: 'skipOneOf' };

/**
 * `data` with the schema's defaults filled in, as the form will show it. Opening a task is
 * then no edit: RJSF reports the filled-in defaults as a change, which would save a draft.
 */
export function withFormDefaults<T extends object>(validator: ValidatorType<T>, schema: RJSFSchema, data: T): T {
  const defaults = createSchemaUtils(validator, schema, DEFAULTS_BEHAVIOUR).getDefaultFormState(schema, data);
  return (defaults as T | undefined) ?? data;
}

/** Keywords whose errors only repeat another one (a oneOf's branches, an if's condition). */
const ECHOES = new Set(['const', 'if', 'then', 'else']);
const WITH_LIMIT = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems']);

/** RJSF's English validation messages in the person's language. */
export function localizeFormErrors(errors: RJSFValidationError[], t: TFunction): RJSFValidationError[] {
  return errors
    .filter((error) => !ECHOES.has(error.name ?? ''))
    .map((error) => {
      const message = localized(error, t);
      return message ? { ...error, message, stack: `${error.property ?? ''} ${message}`.trim() } : error;
    });
}

function localized(error: RJSFValidationError, t: TFunction): string | null {
  const params = (error.params ?? {}) as Record<string, unknown>;
  switch (error.name) {
    case 'required':
      return t('form.errors.required');
    case 'format':
      return t(`form.errors.format.${params.format === 'date' || params.format === 'date-time' ? params.format : 'other'}`);
    case 'type':
      return t('form.errors.type');
    case 'enum':
    case 'oneOf':
      return t('form.errors.choice');
    case 'uniqueItems':
      return t('form.errors.uniqueItems');
    case 'pattern':
      return t('form.errors.pattern');
    default:
      return error.name && WITH_LIMIT.has(error.name) ? t(`form.errors.${error.name}`, { limit: params.limit }) : null;
  }
}
