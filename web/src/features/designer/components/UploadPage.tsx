import { CloudUploadOutlined, ExperimentOutlined, FileSearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Row, Select, Space, Typography } from 'antd';
import { type ChangeEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';

import { type Deployed, type Finding, UploadRefused, useDeploy, useLint, useProcesses, useTrial } from '../api/designer';
import { findingMarks, firstFileToDraw, hasErrors, type StudioMark } from '../lib/studio-marks';
import styles from './Designer.module.css';
import { FindingsList } from './FindingsList';
import { StudioDiagram } from './StudioDiagram';
import { StudioHeader } from './StudioHeader';
import { TrialResults } from './TrialResults';

const ACCEPT = '.bpmn,.dmn,.json,.yaml,.yml';
const LEGEND: StudioMark[] = ['error', 'warning'];

/** 上传文件: check the chosen files (lint), see the findings on the drawing, try the
 * scenarios, and deploy when nothing blocks. */
export function UploadPage() {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [texts, setTexts] = useState<Record<string, string>>({});
  // The file the designer picked to see; by default the first with an error (firstFileToDraw).
  const [pickedFile, setDrawnFile] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const lint = useLint();
  const trial = useTrial();
  const deploy = useDeploy();
  const findings = useMemo(() => lint.data ?? (lint.error instanceof UploadRefused ? lint.error.findings : []), [lint.data, lint.error]);
  const bpmnFiles = useMemo(() => Object.keys(texts).sort(), [texts]);
  const drawnFile = pickedFile && bpmnFiles.includes(pickedFile) ? pickedFile : firstFileToDraw(bpmnFiles, findings);
  const marks = useMemo(() => (drawnFile ? findingMarks(findings, drawnFile) : []), [findings, drawnFile]);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = [...(event.target.files ?? [])];
    setFiles(chosen);
    setSelected(null);
    lint.reset();
    trial.reset();
    deploy.reset();
    // The drawing is of the local file: what the designer is about to deploy, not what is deployed.
    void Promise.all(chosen.filter((file) => file.name.toLowerCase().endsWith('.bpmn')).map(async (file) => [file.name, await file.text()] as const)).then((read) =>
      setTexts(Object.fromEntries(read)),
    );
  };
  const check = () => lint.mutate(files, { onSuccess: () => setDrawnFile(null) });
  const showFinding = (finding: Finding) => {
    if (finding.file && bpmnFiles.includes(finding.file)) setDrawnFile(finding.file);
    setSelected(finding.element_id ?? null);
  };
  const linted = lint.isSuccess;
  const blocked = !linted || hasErrors(findings);

  return (
    <>
      <StudioHeader title={t('designer.upload.title')} back="/designer" backLabel={t('designer.processes.title')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <label htmlFor="designer-files">
            <Typography.Text strong>{t('designer.upload.choose')}</Typography.Text>
          </label>
          <input id="designer-files" className={styles.fileInput} type="file" multiple accept={ACCEPT} onChange={choose} />
          <Typography.Text type="secondary">{t('designer.upload.hint')}</Typography.Text>
          {files.length > 0 && <Typography.Text>{t('designer.upload.chosen', { count: files.length })}</Typography.Text>}
          <Flex wrap gap={8}>
            <Button icon={<FileSearchOutlined />} disabled={!files.length} loading={lint.isPending} onClick={check}>
              {t('designer.lint.button')}
            </Button>
            <Button icon={<ExperimentOutlined />} disabled={!files.length} loading={trial.isPending} onClick={() => trial.mutate({ files })}>
              {t('designer.trial.button')}
            </Button>
            <Button type="primary" icon={<CloudUploadOutlined />} disabled={blocked || !files.length} loading={deploy.isPending} onClick={() => deploy.mutate(files)}>
              {t('designer.deploy.button')}
            </Button>
          </Flex>
          {!linted && files.length > 0 && <Typography.Text type="secondary">{t('designer.deploy.lintFirst')}</Typography.Text>}
          {linted && hasErrors(findings) && <Typography.Text type="danger">{t('designer.deploy.blocked')}</Typography.Text>}
          <DeployOutcome deployed={deploy.data} error={deploy.error} />
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        {(lint.data || lint.isError) && (
          <Col xs={24} xl={12}>
            <Card size="small" title={t('designer.lint.title', { count: findings.length })}>
              {lint.isError && !(lint.error instanceof UploadRefused) ? <Alert type="error" showIcon message={errorMessage(t, lint.error)} /> : <FindingsList findings={findings} onSelect={showFinding} />}
            </Card>
          </Col>
        )}
        {bpmnFiles.length > 0 && (
          <Col xs={24} xl={12}>
            <Card
              size="small"
              title={t('designer.upload.diagram')}
              extra={bpmnFiles.length > 1 && <Select aria-label={t('designer.upload.drawnFile')} value={drawnFile} onChange={setDrawnFile} options={bpmnFiles.map((name) => ({ value: name, label: name }))} style={{ maxWidth: 180 }} />}
            >
              <StudioDiagram xml={drawnFile ? texts[drawnFile] : undefined} label={drawnFile ?? ''} marks={marks} legend={LEGEND} selected={selected} />
            </Card>
          </Col>
        )}
        {(trial.data || trial.isError) && (
          <Col xs={24}>
            <Card size="small" title={t('designer.trial.title')}>
              {trial.data ? <TrialResults trial={trial.data} /> : <TrialError error={trial.error} />}
            </Card>
          </Col>
        )}
      </Row>
    </>
  );
}

function TrialError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="error" showIcon message={errorMessage(t, error)} />
      {error instanceof UploadRefused && <FindingsList findings={error.findings} onSelect={() => undefined} />}
    </Space>
  );
}

function DeployOutcome({ deployed, error }: { deployed: Deployed[] | undefined; error: unknown }) {
  const { t } = useTranslation();
  const processes = useProcesses();
  const nameOf = (key: string) => processes.data?.find((p) => p.key === key)?.name ?? key;
  if (error) return <Alert type="error" showIcon message={errorMessage(t, error)} />;
  if (!deployed) return null;
  const created = deployed.filter((d) => d.created);
  return (
    <Alert
      type="success"
      showIcon
      role="status"
      message={created.length ? t('designer.deploy.done', { count: created.length }) : t('designer.deploy.unchanged')}
      description={
        <ul className={styles.wrap} style={{ margin: 0, paddingInlineStart: 20 }}>
          {deployed.map((d) => (
            <li key={d.key}>{t(d.created ? 'designer.deploy.newVersion' : 'designer.deploy.sameVersion', { key: nameOf(d.key), version: d.version })}</li>
          ))}
        </ul>
      }
    />
  );
}
