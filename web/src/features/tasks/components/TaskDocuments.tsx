import { Card, Flex, message as antMessage } from 'antd';
import { useTranslation } from 'react-i18next';

import { useCaseDocuments } from '@/features/cases/api/documents';
import { DocumentList, GenerateButtons } from '@/features/cases/components/CaseDocuments';
import { generatable } from '@/features/cases/lib/documents';

/**
 * The documents this task's step names (生成调解协议书, ...), open or done, and those already
 * made from it. Nothing when the step names none, or the case's documents cannot be read.
 */
export function TaskDocuments({ caseId, taskId }: { caseId: string; taskId: string }) {
  const { t } = useTranslation();
  const documents = useCaseDocuments(caseId);
  const [message, holder] = antMessage.useMessage();
  if (!documents.isSuccess) return null;
  const available = generatable(documents.data.available, taskId);
  if (available.length === 0) return null;
  const made = documents.data.items.filter((document) => document.task_id === taskId);
  return (
    <Card size="small" title={t('task.documents')} role="region" aria-label={t('task.documents')}>
      {holder}
      <Flex vertical gap={12}>
        <GenerateButtons caseId={caseId} available={available} notify={message} />
        {made.length > 0 && <DocumentList caseId={caseId} items={made} notify={message} />}
      </Flex>
    </Card>
  );
}
