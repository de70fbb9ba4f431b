import type { FieldError } from '@/lib/api-error';

/** engine/cases.py INTAKE_ROLES: who registers matters. */
const INTAKE_ROLES: ReadonlySet<string> = new Set(['intake_clerk', 'grid_worker', 'supervisor', 'rights_officer', 'admin']);

export function registers(memberships: readonly { role: string }[]): boolean {
  return memberships.some((m) => INTAKE_ROLES.has(m.role));
}

/** The fields of POST /cases beside the form's data. */
const REQUEST_FIELDS = ['process', 'org_unit', 'channel'] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export interface RegistrationChoice {
  process: string;
  orgUnit: string | null;
  /** The channel picked beside the form; unused when the form asks for it itself. */
  channel: string | null;
}

export interface RegistrationBody {
  process: string;
  org_unit: string;
  channel: string;
  data: Record<string, unknown>;
}

type Schema = { properties?: Record<string, unknown> } | null | undefined;

/**
 * Whether the start form has its own 来件渠道 field. The server writes the request's channel
 * into the case data anyway, so then the page takes it from the form instead of asking twice.
 */
export function formAsksChannel(schema: Schema): boolean {
  return Boolean(schema?.properties && 'channel' in schema.properties);
}

/** The body of POST /cases for what she chose and filled in. */
export function registrationBody(choice: RegistrationChoice, data: Record<string, unknown>, schema: Schema): RegistrationBody {
  const fromForm = formAsksChannel(schema);
  const channel = fromForm ? data.channel : choice.channel;
  return { process: choice.process, org_unit: choice.orgUnit ?? '', channel: typeof channel === 'string' ? channel : '', data };
}

export interface SplitErrors {
  /** Errors about the form's fields, with paths inside the form (`parties.0.name`). */
  form: FieldError[];
  /** Errors about the choices beside the form: the field's first message. */
  request: Partial<Record<RequestField, string>>;
}

/**
 * A 422's field errors, each where it belongs. The request's own fields are named `process`,
 * `org_unit`, `channel`; the form's fields by their path in the data, written `data.x` by the
 * request check and `x` by the form check. A channel error goes to the form's 来件渠道 when
 * the form asks for the channel.
 */
export function splitFieldErrors(errors: readonly FieldError[], schema: Schema): SplitErrors {
  const split: SplitErrors = { form: [], request: {} };
  const declared = new Set(Object.keys(schema?.properties ?? {}));
  for (const error of errors) {
    const field = error.field.startsWith('data.') ? error.field.slice('data.'.length) : error.field;
    if (field !== error.field || declared.has(field.split(/[.[]/)[0] ?? '') || !isRequestField(field)) {
      split.form.push({ ...error, field });
    } else {
      split.request[field] ??= error.message;
    }
  }
  return split;
}

function isRequestField(field: string): field is RequestField {
  return (REQUEST_FIELDS as readonly string[]).includes(field);
}

interface Unit {
  id: string;
}

/**
 * Where a new matter is registered by default: her own unit when she registers there (a grid
 * worker's grid, a clerk's town), else the first unit she sees. Null when she sees none.
 */
export function defaultOrgUnit(units: readonly Unit[], memberships: readonly { role: string; org_unit: string }[]): string | null {
  const visible = new Set(units.map((unit) => unit.id));
  const own = memberships.find((m) => INTAKE_ROLES.has(m.role) && visible.has(m.org_unit));
  return own?.org_unit ?? units[0]?.id ?? null;
}
