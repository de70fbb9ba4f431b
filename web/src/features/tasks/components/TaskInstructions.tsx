import { Alert } from 'antd';
import { Markdown } from 'markdown-to-jsx/react';
import { useTranslation } from 'react-i18next';

/**
 * The designer's instructions for this step. The server sends them rendered and HTML-escaped;
 * they are read as Markdown with raw HTML switched off, so nothing in them can become markup.
 */
export function TaskInstructions({ text, note }: { text: string; note: string | null }) {
  const { t } = useTranslation();
  if (!text.trim()) return null;
  return (
    <Alert
      type="info"
      message={t('task.instructions')}
      description={
        <>
          <Markdown options={{ disableParsingRawHTML: true, forceBlock: true }}>{text}</Markdown>
          {note && <small>{note}</small>}
        </>
      }
    />
  );
}
