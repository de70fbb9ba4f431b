import type { TFunction } from 'i18next';

import type { CaseEvent } from '../api/cases';

/**
 * A timeline event's Chinese (or English) name. Engine events and the auditEvent names of
 * processes/bpmn are in the locale files; a name a designer added since shows as written
 * rather than not at all.
 */
export function eventLabel(t: TFunction, event: Pick<CaseEvent, 'type' | 'data'>): string {
  if (event.type === 'commitment' && typeof event.data.kind === 'string') {
    return t(`commitments.${event.data.kind}`, { defaultValue: t('events.commitment') });
  }
  return t(`events.${event.type}`, { defaultValue: event.type });
}

/**
 * The step each event is about, by seq: a task event names its task (only task_ready carries
 * the title, so the others borrow it by task id); a called process names itself, a document
 * (document_generated, document_attached) its title.
 */
export function eventSubjects(events: readonly Pick<CaseEvent, 'seq' | 'type' | 'task' | 'data'>[]): Map<number, string> {
  const titles = new Map<string, string>();
  for (const event of events) {
    if (event.task && typeof event.data.title === 'string') titles.set(event.task, event.data.title);
  }
  const subjects = new Map<number, string>();
  for (const event of events) {
    const subject = event.type.startsWith('called_process_') && typeof event.data.name === 'string'
      ? event.data.name
      : event.type.startsWith('document_') && typeof event.data.title === 'string'
        ? event.data.title
        : event.task ? titles.get(event.task) : undefined;
    if (subject) subjects.set(event.seq, subject);
  }
  return subjects;
}
