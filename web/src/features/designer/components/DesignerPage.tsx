import { Route, Routes } from 'react-router';

import { NotFoundPage } from '@/app/RouteError';
import { addPageWords } from '@/lib/i18n';

import designerEn from '../locales/en.json';
import designerZh from '../locales/zh-CN.json';
import { ComparePage } from './ComparePage';
import styles from './Designer.module.css';
import { GuidePage } from './GuidePage';
import { MigrationPage } from './MigrationPage';
import { ProcessListPage } from './ProcessListPage';
import { ProcessPage } from './ProcessPage';
import { UploadPage } from './UploadPage';
import { VersionPage } from './VersionPage';

addPageWords('designer', { 'zh-CN': designerZh, en: designerEn });

/** The designer's studio: its pages under /designer, each linkable. */
export default function DesignerPage() {
  return (
    <div className={styles.studio}>
      <Routes>
        <Route index element={<ProcessListPage />} />
        <Route path="upload" element={<UploadPage />} />
        <Route path="guide" element={<GuidePage />} />
        <Route path="guide/:name" element={<GuidePage />} />
        <Route path="processes/:key" element={<ProcessPage />} />
        <Route path="processes/:key/versions/:version" element={<VersionPage />} />
        <Route path="processes/:key/compare" element={<ComparePage />} />
        <Route path="processes/:key/migrate" element={<MigrationPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </div>
  );
}
