/**
 * A case's data as people read it: each field under the title its form gives it, coded values
 * under their titles, nested objects and arrays of parties as sections of their own. The labels
 * come from GET /cases/{id} (`labels`: path -> {title, choices}, paths written `a.b` and
 * `a[].b`), which gathers them from the forms and decision tables of the case's version.
 */

export interface FieldLabel {
  title?: string | null;
  choices?: Record<string, string>;
}

export type Labels = Record<string, FieldLabel>;

/** How one value reads: `choices` are its field's coded values and their titles. */
export type ValueFormatter = (value: unknown, field: { key: string; choices: Record<string, string> }) => string;

interface NodeBase {
  /** The key in its object (a field name; an item's index for list items). */
  key: string;
  /** Where it is, as the API writes paths: `parties[0].phone`. */
  path: string;
  /** The form's title, or the key itself when no form names it. */
  label: string;
  /** False for data no form or decision table declares (script variables, older fields). */
  labelled: boolean;
}

export type DataNode =
  | (NodeBase & { kind: 'value'; text: string; masked: boolean })
  | (NodeBase & { kind: 'group'; children: DataNode[] })
  | (NodeBase & { kind: 'list'; items: { path: string; title: string; children: DataNode[] }[] });

/** The labels of the API, checked: it sends them as an untyped object. */
export function labelsOf(raw: Record<string, unknown>): Labels {
  const labels: Labels = {};
  for (const [path, entry] of Object.entries(raw)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { title, choices } = entry as Record<string, unknown>;
    labels[path] = {
      title: typeof title === 'string' ? title : null,
      choices: isRecord(choices) ? Object.fromEntries(Object.entries(choices).filter((c): c is [string, string] => typeof c[1] === 'string')) : {},
    };
  }
  return labels;
}

/**
 * The data as a tree to draw. Fields keep the order the case wrote them in (which reads like
 * the file: intake, screening, acceptance, ...); fields no form names come last at each level.
 * Empty values are left out: there is nothing to read in them.
 */
export function describeCaseData(data: Record<string, unknown>, labels: Labels, maskedFields: readonly string[], format: ValueFormatter): DataNode[] {
  return describeObject(data, { path: '', labelPath: '' }, { labels, masked: new Set(maskedFields), format });
}

interface Context {
  labels: Labels;
  masked: ReadonlySet<string>;
  format: ValueFormatter;
}

interface Where {
  /** The concrete path of the object (`parties[0]`), '' at the top. */
  path: string;
  /** Its path in `labels` (`parties[]`). */
  labelPath: string;
}

function describeObject(object: Record<string, unknown>, where: Where, context: Context): DataNode[] {
  const nodes = Object.entries(object)
    .filter(([, value]) => !isEmpty(value))
    .map(([key, value]) => describeField(key, value, where, context));
  return [...nodes.filter((node) => node.labelled), ...nodes.filter((node) => !node.labelled)];
}

function describeField(key: string, value: unknown, where: Where, context: Context): DataNode {
  const path = where.path ? `${where.path}.${key}` : key;
  const labelPath = where.labelPath ? `${where.labelPath}.${key}` : key;
  const label = context.labels[labelPath];
  const base = { key, path, label: label?.title || key, labelled: Boolean(label) };
  if (isRecord(value)) {
    return { ...base, kind: 'group', children: describeObject(value, { path, labelPath }, context) };
  }
  const choices = choicesOf(context.labels, labelPath);
  if (Array.isArray(value) && value.some(isRecord)) {
    const itemTitle = context.labels[`${labelPath}[]`]?.title || base.label;
    return {
      ...base,
      kind: 'list',
      items: value.map((item, index) => {
        const itemPath = `${path}[${index}]`;
        const children: DataNode[] = isRecord(item)
          ? describeObject(item, { path: itemPath, labelPath: `${labelPath}[]` }, context)
          : // A plain value among the objects (data no form would write): shown as it is.
            [{ kind: 'value', key: String(index), path: itemPath, label: itemTitle, labelled: true, ...valueText(item, itemPath, key, context, choices) }];
        return { path: itemPath, title: `${itemTitle} ${index + 1}`, children };
      }),
    };
  }
  return { ...base, kind: 'value', ...valueText(value, path, key, context, choices) };
}

function valueText(value: unknown, path: string, key: string, context: Context, choices: Record<string, string>): { text: string; masked: boolean } {
  // A masked value is the server's "138****0001": shown as it came, never looked up as a code.
  if (context.masked.has(path)) return { text: String(value), masked: true };
  const text = Array.isArray(value)
    ? value.map((item) => context.format(item, { key, choices })).join('、')
    : context.format(value, { key, choices });
  return { text, masked: false };
}

/** A field's coded values; a multiple choice (an array) has them on its items. */
function choicesOf(labels: Labels, labelPath: string): Record<string, string> {
  const own = labels[labelPath]?.choices ?? {};
  return Object.keys(own).length ? own : (labels[`${labelPath}[]`]?.choices ?? {});
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.values(value).every(isEmpty);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A concrete path's name for people: 当事人 1 · 联系电话 for `parties[0].phone`. The access log
 * and the reveal dialog name fields this way.
 */
export function fieldName(path: string, labels: Labels): string {
  const names: string[] = [];
  let labelPath = '';
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) {
      labelPath += '[]';
      const previous = names.pop() ?? '';
      names.push(`${labels[labelPath]?.title || previous} ${Number(index[1]) + 1}`);
    } else {
      labelPath = labelPath ? `${labelPath}.${part}` : part;
      names.push(labels[labelPath]?.title || part);
    }
  }
  return names.join(' · ');
}
