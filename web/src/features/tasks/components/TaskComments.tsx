import { Button, Card, Flex, Form, Input, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';
import { formatDateTime } from '@/lib/due';

import { useAddComment, useComments, type TaskComment } from '../api/tasks';

const MAX_COMMENT = 2000;

/** Notes for whoever works on the case next. */
export function TaskComments({ taskId, initial }: { taskId: string; initial: TaskComment[] }) {
  const { t, i18n } = useTranslation();
  const comments = useComments(taskId, initial);
  const add = useAddComment(taskId);
  const [form] = Form.useForm<{ text: string }>();

  return (
    <Card size="small" title={t('task.comments.title')}>
      <List
        dataSource={comments.data ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">{t('task.comments.empty')}</Typography.Text> }}
        renderItem={(comment) => (
          <List.Item>
            <Flex vertical style={{ minWidth: 0 }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {comment.display_name ?? comment.username} · {formatDateTime(comment.at, i18n.language)}
              </Typography.Text>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{comment.text}</Typography.Paragraph>
            </Flex>
          </List.Item>
        )}
      />
      <Form
        form={form}
        layout="vertical"
        onFinish={({ text }) => add.mutate(text.trim(), { onSuccess: () => form.resetFields() })}
      >
        <Form.Item
          name="text"
          label={t('task.comments.add')}
          rules={[{ required: true, whitespace: true, message: t('task.comments.required') }]}
          validateStatus={add.isError ? 'error' : undefined}
          help={add.isError ? errorMessage(t, add.error) : undefined}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={MAX_COMMENT} showCount />
        </Form.Item>
        <Button htmlType="submit" loading={add.isPending}>
          {t('task.comments.send')}
        </Button>
      </Form>
    </Card>
  );
}
