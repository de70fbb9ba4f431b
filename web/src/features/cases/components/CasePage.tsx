import { Col, Flex, Row } from 'antd';
import { useMemo } from 'react';
import { useParams } from 'react-router';

import { PageError } from '@/components/PageError';
import { PageSpinner } from '@/components/PageSpinner';
import { useCatalog } from '@/lib/catalog';

import { useCase } from '../api/cases';
import { labelsOf } from '../lib/case-data';
import { CaseData } from './CaseData';
import { CaseDiagram } from './CaseDiagram';
import { CaseDocuments } from './CaseDocuments';
import { CaseHeader } from './CaseHeader';
import { CaseLinks } from './CaseLinks';
import { CaseRetention } from './CaseRetention';
import { CaseTimeline } from './CaseTimeline';

/** /cases/{id}: the case, its data, its diagram, what happened, and the cases linked to it. */
export default function CasePage() {
  const { caseId = '' } = useParams();
  const detail = useCase(caseId);
  const catalog = useCatalog();
  const labels = useMemo(() => labelsOf(detail.data?.labels ?? {}), [detail.data?.labels]);

  if (detail.isPending) return <PageSpinner />;
  if (detail.isError) return <PageError error={detail.error} onRetry={() => void detail.refetch()} />;
  const data = detail.data;
  const processName = catalog.data?.processes.get(data.process) ?? data.process;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={16}>
        <Flex vertical gap={16}>
          <CaseHeader detail={data} labels={labels} processName={processName} />
          <CaseData detail={data} labels={labels} />
          <CaseDocuments caseId={data.id} />
        </Flex>
      </Col>
      <Col xs={24} lg={8}>
        <Flex vertical gap={16}>
          <CaseLinks detail={data} />
          <CaseTimeline caseId={data.id} />
          <CaseRetention detail={data} />
        </Flex>
      </Col>
      {/* A whole process needs the whole width to be legible. */}
      <Col span={24}>
        <CaseDiagram caseId={data.id} processName={processName} />
      </Col>
    </Row>
  );
}
