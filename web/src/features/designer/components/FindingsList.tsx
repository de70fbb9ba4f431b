import { Button, Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import type { Finding } from '../api/designer';
import { sortedFindings } from '../lib/studio-marks';
import styles from './Designer.module.css';

/** Lint findings, errors first; a finding on an element selects it on the diagram. */
export function FindingsList({ findings, onSelect }: { findings: Finding[]; onSelect: (finding: Finding) => void }) {
  const { t } = useTranslation();
  if (!findings.length) return <Empty description={t('designer.lint.clean')} />;
  return (
    <List
      size="small"
      dataSource={sortedFindings(findings)}
      rowKey={(f) => `${f.code}-${f.file}-${f.line}-${f.element_id}-${f.message}`}
      renderItem={(finding) => (
        <List.Item>
          <Space direction="vertical" size={2} style={{ width: '100%' }} className={styles.wrap}>
            <Space wrap size={4}>
              <Tag color={finding.severity === 'error' ? 'error' : 'warning'}>{t(`designer.lint.severity.${finding.severity}`, { defaultValue: finding.severity })}</Tag>
              <Typography.Text type="secondary">{[finding.file, finding.line].filter((part) => part !== null && part !== undefined).join(' : ') || t('designer.lint.wholeUpload')}</Typography.Text>
              {finding.element_id && (
                <Button size="small" className={styles.findingButton} onClick={() => onSelect(finding)}>
                  {t('designer.lint.showElement', { id: finding.element_id })}
                </Button>
              )}
            </Space>
            <Typography.Text>{t(`designer.lint.codes.${finding.code}`, { defaultValue: t('designer.lint.otherCode', { code: finding.code }) })}</Typography.Text>
            <Typography.Text type="secondary">{finding.message}</Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}
