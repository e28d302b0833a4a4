import { describe, it } from 'vitest';
import { checkFirstVisitOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { loadDemoSchool } from '@doitcrm/demo-data';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';

const t = useTestPage('messages', messagesConfigShape, (context) => createMessagesApp(context), { prepare: loadDemoSchool, timeout: 180_000 });

describe('messages page on a phone network', () => {
  it('when staff open the message browser on Chromium\'s Fast 4G profile, then the group tree shows after a first visit of under 600 kB, and the next visit takes its files from the cache', () => checkFirstVisitOnFast4G('messages', t, '.room-tree__node'), 120_000);
});
