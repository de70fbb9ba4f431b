import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Grid, Skeleton, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';

import { ListPagination } from '@/components/ListPagination';
import { PageError } from '@/components/PageError';
import { useCurrentUser } from '@/features/auth/api/session';
import { useNow } from '@/hooks/use-now';

import { useCaseList } from '../api/cases';
import { caseSearchParams, isFiltered, parseCaseSearch, type CaseSearch } from '../lib/case-search';
import { registers } from '../lib/registration';
import { CaseCards } from './CaseCards';
import { CaseFilters } from './CaseFilters';

// Only wide screens draw the table, and antd's Table is a large download: a phone never needs it.
const CaseTable = lazy(() => import('./CaseTable'));

/** /cases: the cases she sees, filtered by what the address says. */
export default function CaseListPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const params = parseCaseSearch(search);
  const update = (change: Partial<CaseSearch>) => setSearch(caseSearchParams({ ...params, page: 1, ...change }));

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('cases.title')}
        </Typography.Title>
        {registers(user.memberships) && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            href="/cases/new"
            onClick={(event) => {
              event.preventDefault();
              navigate('/cases/new');
            }}
          >
            {t('cases.register')}
          </Button>
        )}
      </Flex>
      <CaseFilters params={params} onChange={update} />
      <CaseListBody params={params} onPage={(page, perPage) => setSearch(caseSearchParams({ ...params, page, perPage }))} />
    </Flex>
  );
}

function CaseListBody({ params, onPage }: { params: CaseSearch; onPage: (page: number, perPage: number) => void }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const now = useNow();
  const list = useCaseList(params);

  if (list.isError && !list.data) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  const page = list.data;
  const narrow = !screens.md;
  const rows = page?.items ?? [];
  const emptyText = t(isFiltered(params) ? 'cases.empty.filtered' : 'cases.empty.none');
  return (
    <>
      {narrow ? (
        <CaseCards cases={rows} now={now} loading={list.isPending} emptyText={emptyText} />
      ) : (
        <Suspense fallback={<Skeleton active />}>
          <CaseTable cases={rows} now={now} loading={list.isPending || list.isPlaceholderData} emptyText={emptyText} />
        </Suspense>
      )}
      {page && (
        <ListPagination
          page={params.page}
          perPage={params.perPage}
          total={page.total}
          narrow={narrow}
          totalText={(total) => t(page.total_capped ? 'cases.totalCapped' : 'cases.total', { count: total })}
          onChange={onPage}
        />
      )}
    </>
  );
}
