import { Pagination } from 'antd';

import { PER_PAGE_OPTIONS } from '@/lib/paging';

interface ListPaginationProps {
  page: number;
  perPage: number;
  total: number;
  /** A phone: the simple pager, no page-size changer, no total (the tab or heading shows it). */
  narrow: boolean;
  totalText: (total: number) => string;
  onChange: (page: number, perPage: number) => void;
}

/** The pager under a list of tasks or cases; nothing when the list is empty. */
export function ListPagination({ page, perPage, total, narrow, totalText, onChange }: ListPaginationProps) {
  if (total <= 0) return null;
  return (
    <Pagination
      align="end"
      current={page}
      pageSize={perPage}
      total={total}
      simple={narrow}
      showSizeChanger={!narrow}
      pageSizeOptions={PER_PAGE_OPTIONS.map(String)}
      showTotal={narrow ? undefined : totalText}
      onChange={onChange}
    />
  );
}
