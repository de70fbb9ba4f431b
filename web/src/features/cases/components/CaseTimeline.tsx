import { Button, Card, Skeleton, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { PageError } from '@/components/PageError';
import { formatDateTime } from '@/lib/due';

import { useCaseTimeline, type CaseEvent } from '../api/cases';
import { eventLabel, eventSubjects } from '../lib/event-label';

const FIRST_SHOWN = 8;

/** What happened to the case, newest first. */
export function CaseTimeline({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const timeline = useCaseTimeline(caseId);
  const [showAll, setShowAll] = useState(false);

  let body;
  if (timeline.isPending) body = <Skeleton active />;
  else if (timeline.isError) body = <PageError error={timeline.error} onRetry={() => void timeline.refetch()} />;
  else {
    const subjects = eventSubjects(timeline.data);
    const events = [...timeline.data].reverse();
    const shown = showAll ? events : events.slice(0, FIRST_SHOWN);
    body = (
      <>
        <Timeline items={shown.map((event) => ({ key: event.seq, color: colourOf(event), children: <EventEntry event={event} subject={subjects.get(event.seq)} /> }))} />
        {events.length > shown.length && (
          <Button type="link" onClick={() => setShowAll(true)}>
            {t('case.timeline.showAll', { count: events.length })}
          </Button>
        )}
      </>
    );
  }
  return (
    <Card size="small" title={t('case.timeline.title')}>
      {body}
    </Card>
  );
}

function EventEntry({ event, subject }: { event: CaseEvent; subject: string | undefined }) {
  const { t, i18n } = useTranslation();
  // Suspensions, terminations, escalations and reveals say why; the reason is part of the record.
  const reason = typeof event.data.reason === 'string' && event.data.reason.trim() ? event.data.reason : null;
  return (
    <>
      <Typography.Text strong>{eventLabel(t, event)}</Typography.Text>
      {subject && <Typography.Text> · {subject}</Typography.Text>}
      {reason && (
        <>
          <br />
          <Typography.Text>{t('case.timeline.reason', { reason })}</Typography.Text>
        </>
      )}
      <br />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        <time dateTime={event.at}>{formatDateTime(event.at, i18n.language)}</time> · {actorName(t, event)}
      </Typography.Text>
    </>
  );
}

/** A person by name; the engine's own actors (timer, public, message:<name>) by what they are. */
function actorName(t: TFunction, event: CaseEvent): string {
  const kind = event.actor.split(':')[0] ?? event.actor;
  return event.actor_name ?? t(`case.timeline.actors.${kind}`, { defaultValue: event.actor });
}

function colourOf(event: CaseEvent): string {
  if (event.type === 'incident' || event.type === 'deadline_missed' || event.type === 'terminated') return 'red';
  if (event.type === 'task_completed' || event.type === 'commitment') return 'green';
  return 'blue';
}
