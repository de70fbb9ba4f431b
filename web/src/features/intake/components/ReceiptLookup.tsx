import { Card, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { normalizeReceipt } from '../lib/receipts';

/** 查询进度: type the receipt kept from a submission to see where the matter stands. */
export function ReceiptLookup({ initial = '' }: { initial?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ receipt: string }>();
  const look = ({ receipt }: { receipt: string }) => {
    const normal = normalizeReceipt(receipt);
    if (normal) navigate(`/intake/${encodeURIComponent(normal)}`);
    else form.setFields([{ name: 'receipt', errors: [t('intake.lookup.invalid')] }]);
  };
  return (
    <Card size="small" title={t('intake.lookup.title')}>
      <Form form={form} layout="vertical" onFinish={look} initialValues={{ receipt: initial }}>
        <Form.Item name="receipt" label={t('intake.lookup.receipt')} rules={[{ required: true, whitespace: true, message: t('intake.lookup.required') }]} style={{ marginBottom: 0 }}>
          <Input.Search enterButton={t('intake.lookup.submit')} autoComplete="off" spellCheck={false} onSearch={() => form.submit()} />
        </Form.Item>
      </Form>
    </Card>
  );
}
