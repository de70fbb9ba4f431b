import { CheckCircleTwoTone, CloseCircleTwoTone, MinusCircleOutlined } from '@ant-design/icons';
import { Alert, Collapse, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import type { Trial } from '../api/designer';
import styles from './Designer.module.css';

const STEP_ICONS: Record<string, React.ReactNode> = {
  passed: <CheckCircleTwoTone twoToneColor="#389e0d" />,
  failed: <CloseCircleTwoTone twoToneColor="#cf1322" />,
  not_run: <MinusCircleOutlined />,
};

/** 运行场景测试's answer: each scenario passed or failed, and each of its steps. */
export function TrialResults({ trial }: { trial: Trial }) {
  const { t } = useTranslation();
  const summary = trial.scenarios.length
    ? t('designer.trial.summary', { passed: trial.scenarios.filter((s) => s.passed).length, total: trial.scenarios.length })
    : t('designer.trial.noScenarios', { processes: trial.processes.join('、') });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type={trial.passed ? 'success' : 'warning'} showIcon role="status" message={summary} />
      {trial.skipped.length > 0 && <Alert type="info" showIcon message={t('designer.trial.skipped', { names: trial.skipped.join('、') })} />}
      <Collapse
        size="small"
        items={trial.scenarios.map((scenario) => ({
          key: `${scenario.process}/${scenario.file}`,
          label: (
            <span className={styles.wrap}>
              <Tag color={scenario.passed ? 'success' : 'error'}>{scenario.passed ? t('designer.trial.passed') : t('designer.trial.failed')}</Tag>
              {scenario.name}
            </span>
          ),
          children: (
            <Space direction="vertical" size={4} style={{ width: '100%' }} className={styles.wrap}>
              {!scenario.passed && <Typography.Text type="danger">{scenario.message}</Typography.Text>}
              <ol style={{ margin: 0, paddingInlineStart: 20 }}>
                {scenario.steps.map((step) => (
                  <li key={step.index}>
                    <span role="img" aria-label={t(`designer.trial.steps.${step.status}`, { defaultValue: step.status })}>
                      {STEP_ICONS[step.status]}
                    </span>{' '}
                    {step.label}
                    {step.message && <Typography.Text type="danger"> — {step.message}</Typography.Text>}
                  </li>
                ))}
              </ol>
            </Space>
          ),
        }))}
      />
    </Space>
  );
}
