import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';
import { downloadFile } from '@/lib/download';

import { caseKeys } from './cases';

export type CaseDocument = components['schemas']['DocumentOut'];
export type AvailableDocument = components['schemas']['AvailableDocumentOut'];

const documentsKey = (caseId: string) => [...caseKeys.detail(caseId), 'documents'] as const;

/** The case's documents (newest first) and the templates its steps name that can be generated. */
export function useCaseDocuments(caseId: string, enabled = true) {
  return useQuery({
    queryKey: documentsKey(caseId),
    queryFn: () => unwrap(api.GET('/api/v1/cases/{case_id}/documents', { params: { path: { case_id: caseId } } })),
    enabled,
  });
}

/** Generate a document from a template (调解协议书, ...); the new row joins the list and the timeline. */
export function useGenerateDocument(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (choice: { template: string; task_id?: string }) =>
      unwrap(api.POST('/api/v1/cases/{case_id}/documents', { params: { path: { case_id: caseId } }, body: choice })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseId) }),
  });
}

/** Attach a file (a signed scan) to the case: multipart, the file and its title. */
export function useAttachDocument(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ title, file }: { title: string; file: File }) => {
      const form = new FormData();
      form.append('title', title);
      form.append('file', file, file.name);
      // openapi-fetch sends a FormData as it is (the browser sets the multipart boundary).
      return unwrap(
        api.POST('/api/v1/cases/{case_id}/attachments', {
          params: { path: { case_id: caseId } },
          body: {} as never,
          bodySerializer: () => form,
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseId) }),
  });
}

/** Download a document's file under its own (Chinese) name; the name it was saved as. */
export function downloadDocument(caseId: string, document: CaseDocument): Promise<string> {
  const url = `/api/v1/cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(document.id)}/file`;
  return downloadFile(url, document.filename);
}
