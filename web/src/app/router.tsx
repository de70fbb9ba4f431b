import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { Navigate, Route, Routes } from 'react-router';

import { PageSpinner } from '@/components/PageSpinner';
import { RequireAuth } from '@/features/auth/components/RequireAuth';

import { AppShell } from './AppShell';
import { NotFoundPage, RouteErrorBoundary } from './RouteError';

// Every page is its own chunk: the login page and the task list never download the form
// renderer, and the diagram and chart libraries load only with the pages that draw them.
const LoginPage = lazy(() => import('@/features/auth/components/LoginPage'));
const TaskListPage = lazy(() => import('@/features/tasks/components/TaskListPage'));
const TaskPage = lazy(() => import('@/features/tasks/components/TaskPage'));
const CaseListPage = lazy(() => import('@/features/cases/components/CaseListPage'));
const NewCasePage = lazy(() => import('@/features/cases/components/NewCasePage'));
const CasePage = lazy(() => import('@/features/cases/components/CasePage'));
const DashboardPage = lazy(() => import('@/features/dashboard/components/DashboardPage'));
const DesignerPage = lazy(() => import('@/features/designer/components/DesignerPage'));
const AdminPage = lazy(() => import('@/features/admin/components/AdminPage'));
const IntakePage = lazy(() => import('@/features/intake/components/IntakePage'));
const IntakeReceiptPage = lazy(() => import('@/features/intake/components/IntakeReceiptPage'));

/** A page that fails to load or draw leaves the header and menu working. */
function page(Page: LazyExoticComponent<ComponentType>) {
  return (
    <RouteErrorBoundary>
      <Suspense fallback={<PageSpinner />}>
        <Page />
      </Suspense>
    </RouteErrorBoundary>
  );
}

/**
 * The URLs of UI.md. Declarative routes rather than a data router: the pages fetch their own
 * data with TanStack Query, and the data router would add some 16 KB to every page.
 */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={page(LoginPage)} />
      <Route path="/intake" element={page(IntakePage)} />
      <Route path="/intake/:receipt" element={page(IntakeReceiptPage)} />
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route index element={<Navigate to="/tasks" replace />} />
          <Route path="/tasks" element={page(TaskListPage)} />
          <Route path="/tasks/:taskId" element={page(TaskPage)} />
          <Route path="/cases" element={page(CaseListPage)} />
          <Route path="/cases/new" element={page(NewCasePage)} />
          <Route path="/cases/:caseId" element={page(CasePage)} />
          <Route path="/dashboard" element={page(DashboardPage)} />
          <Route path="/designer/*" element={page(DesignerPage)} />
          <Route path="/admin/*" element={page(AdminPage)} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
