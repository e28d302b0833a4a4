import type { Express } from 'express';
import { afterAll, beforeAll } from 'vitest';
import { createTestService, createTestUser, loginCookie, type TestService } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape, type MessagesConfig } from '../src/config.ts';

export interface MessagesApi {
  service: TestService<MessagesConfig>;
  app: Express;
  /** session cookie of a staff login */
  staff: string;
  staffName: string;
}

/** The messages API of one test file: started before its tests, cleaned up after (filled in place, so `const` works). */
export function useMessagesApi(): MessagesApi {
  const api = {} as MessagesApi;
  beforeAll(async () => {
    api.service = await createTestService('messages', messagesConfigShape);
    api.app = createMessagesApp(api.service.context);
    api.staffName = (await createTestUser(api.service.context, 'staff')).username;
    api.staff = await loginCookie(api.app, api.staffName);
  }, 120_000);
  afterAll(async () => {
    await api.service?.cleanup();
  });
  return api;
}
