import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';

import { streamFallsBack } from '../lib/stream';

export type Notification = components['schemas']['NotificationOut'];
export type InboxState = components['schemas']['InboxStateOut'];
export type NotificationSettings = components['schemas']['NotificationSettingsIn'];

const inboxKey = ['notifications'] as const;
const stateKey = [...inboxKey, 'state'] as const;
const STREAM_URL = '/api/v1/notifications/stream';
/** Where the stream cannot stay open (a buffering proxy, an old browser), the bell asks this often. */
const POLL_MS = 60_000;

/**
 * The bell's count, kept live: the server pushes {unread, newest} over Server-Sent Events and
 * the cached state is replaced; a list already fetched is marked stale so that opening it shows
 * what arrived. Polling stays on as the fallback.
 */
export function useInboxState() {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return undefined;
    const source = new EventSource(STREAM_URL);
    const onInbox = (event: MessageEvent<string>) => {
      queryClient.setQueryData(stateKey, JSON.parse(event.data) as InboxState);
      void queryClient.invalidateQueries({ queryKey: [...inboxKey, 'list'] });
    };
    source.addEventListener('inbox', onInbox);
    source.onerror = () => {
      if (streamFallsBack(source.readyState)) source.close();
    };
    return () => source.close();
  }, [queryClient]);
  return useQuery({
    queryKey: stateKey,
    queryFn: () => unwrap(api.GET('/api/v1/notifications/state')),
    refetchInterval: POLL_MS,
  });
}

export function useInbox(enabled: boolean) {
  return useQuery({
    queryKey: [...inboxKey, 'list'],
    queryFn: () => unwrap(api.GET('/api/v1/notifications', { params: { query: { per_page: 20 } } })),
    enabled,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxKey }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxKey }),
  });
}

const settingsKey = [...inboxKey, 'settings'] as const;

export function useNotificationSettings(enabled: boolean) {
  return useQuery({
    queryKey: settingsKey,
    queryFn: () => unwrap(api.GET('/api/v1/notifications/settings')),
    enabled,
  });
}

export function useSaveNotificationSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationSettings) => unwrap(api.PUT('/api/v1/notifications/settings', { body })),
    onSuccess: (saved) => queryClient.setQueryData(settingsKey, saved),
  });
}
