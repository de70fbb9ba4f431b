import { Badge, Flex, Grid, Skeleton, Tabs, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';

import { ListPagination } from '@/components/ListPagination';
import { PageError } from '@/components/PageError';
import { useCurrentUser } from '@/features/auth/api/session';
import { supervises } from '@/features/auth/lib/roles';
import { useNow } from '@/hooks/use-now';

import { useTaskCount, useTaskList } from '../api/tasks';
import { defaultSort, listSearch, parseListParams, SCOPES, type Scope, type TaskListParams } from '../lib/list-params';
import { TaskCards } from './TaskCards';
import { TaskFilters } from './TaskFilters';

// Only wide screens draw the table, and antd's Table is a large download: a phone never needs it.
const TaskTable = lazy(() => import('./TaskTable'));

/** /tasks: 我的待办, 待认领, 督办 (supervisors) and 已办, with filters, order and paging in the address. */
export default function TaskListPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [search, setSearch] = useSearchParams();
  const params = parseListParams(search);
  const scopes = SCOPES.filter((scope) => scope !== 'supervised' || supervises(user.memberships));
  const update = (change: Partial<TaskListParams>) => setSearch(listSearch({ ...params, page: 1, ...change }));

  // A bookmarked 督办 list of someone who no longer supervises.
  if (!scopes.includes(params.scope)) return <Navigate to="/tasks" replace />;

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('tasks.title')}
      </Typography.Title>
      <Tabs
        activeKey={params.scope}
        onChange={(key) => update({ scope: key as Scope, sort: defaultSort(key as Scope) })}
        items={scopes.map((scope) => ({ key: scope, label: <ScopeLabel params={params} scope={scope} /> }))}
        style={{ marginBottom: -12 }}
      />
      <TaskFilters params={params} onChange={update} />
      <TaskListBody params={params} onPage={(page, perPage) => setSearch(listSearch({ ...params, page, perPage }))} />
    </Flex>
  );
}

function ScopeLabel({ params, scope }: { params: TaskListParams; scope: Scope }) {
  const { t } = useTranslation();
  const active = scope === params.scope;
  const count = useTaskCount(params, scope, !active);
  const list = useTaskList(params);
  const total = active ? list.data?.total : count.data;
  return (
    <span>
      {t(`tasks.tabs.${scope}`)}{' '}
      {total !== undefined && <Badge count={total} showZero overflowCount={999} color={active ? '#0958d9' : '#666666'} />}
    </span>
  );
}

function TaskListBody({ params, onPage }: { params: TaskListParams; onPage: (page: number, perPage: number) => void }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const now = useNow();
  const list = useTaskList(params);

  if (list.isError && !list.data) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  const page = list.data;
  const narrow = !screens.md;
  const rows = page?.items ?? [];
  const filtered = Boolean(params.process || params.risks.length || params.overdue);
  const emptyText = t(filtered ? 'tasks.empty.filtered' : `tasks.empty.${params.scope}`);
  return (
    <>
      {narrow ? (
        <TaskCards tasks={rows} scope={params.scope} now={now} loading={list.isPending} emptyText={emptyText} />
      ) : (
        <Suspense fallback={<Skeleton active />}>
          <TaskTable tasks={rows} scope={params.scope} now={now} loading={list.isPending || list.isPlaceholderData} emptyText={emptyText} />
        </Suspense>
      )}
      {page && (
        <ListPagination
          page={params.page}
          perPage={params.perPage}
          total={page.total}
          narrow={narrow}
          totalText={(total) => t(page.total_capped ? 'tasks.totalCapped' : 'tasks.total', { count: total })}
          onChange={onPage}
        />
      )}
    </>
  );
}
