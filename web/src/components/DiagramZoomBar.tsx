import { CompressOutlined, ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';
import { Button, Flex, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

import type { DrawnDiagram } from '@/lib/bpmn-canvas';

/** Zoom in, zoom out and fit for a drawn BPMN diagram (lib/bpmn-canvas); disabled until drawn. */
export function DiagramZoomBar({ drawn }: { drawn: DrawnDiagram | null }) {
  const { t } = useTranslation();
  const buttons = [
    { label: t('case.diagram.zoomIn'), icon: <ZoomInOutlined />, act: () => drawn?.zoomIn() },
    { label: t('case.diagram.zoomOut'), icon: <ZoomOutOutlined />, act: () => drawn?.zoomOut() },
    { label: t('case.diagram.fit'), icon: <CompressOutlined />, act: () => drawn?.fit() },
  ];
  return (
    <Flex gap={4} justify="end">
      {buttons.map(({ label, icon, act }) => (
        <Tooltip key={label} title={label}>
          <Button size="small" icon={icon} aria-label={label} disabled={!drawn} onClick={act} />
        </Tooltip>
      ))}
    </Flex>
  );
}
