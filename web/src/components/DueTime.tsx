import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { dueState, formatDateTime } from '@/lib/due';

interface DueTimeProps {
  dueAt: string | null | undefined;
  /** The law or rule behind the deadline, shown with it (DOMAIN.md). */
  basis?: string | null;
  overdue?: boolean;
  /** Only an open task can still fall overdue. */
  open?: boolean;
  now?: Date;
}

export function DueTime({ dueAt, basis, overdue, open = true, now = new Date() }: DueTimeProps) {
  const { t, i18n } = useTranslation();
  const state = dueState(dueAt, now, { overdue, open });
  if (!state) return <Typography.Text type="secondary">{t('due.none')}</Typography.Text>;
  const distance = t(`due.${state.unit}`, { count: state.amount });
  return (
    <Space direction="vertical" size={0}>
      <Space size={4} wrap>
        {state.overdue && <Tag color="error">{t('due.overdue')}</Tag>}
        <Typography.Text type={state.overdue ? 'danger' : state.soon ? 'warning' : undefined}>
          <time dateTime={state.at.toISOString()}>{formatDateTime(state.at, i18n.language, now)}</time>
          {open && ` · ${t(state.overdue ? 'due.late' : 'due.left', { distance })}`}
        </Typography.Text>
      </Space>
      {basis && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('due.basis', { basis })}
        </Typography.Text>
      )}
    </Space>
  );
}
