import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLOURS: Record<string, string> = {
  running: 'processing',
  suspended: 'warning',
  incident: 'error',
  completed: 'success',
  terminated: 'default',
};

export function CaseStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={COLOURS[status] ?? 'default'}>{t(`caseStatus.${status}`, { defaultValue: status })}</Tag>;
}
