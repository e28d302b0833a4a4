import { describe, expect, it } from 'vitest';
import { describeFirstData, timeFirstDataOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { createRosterApp } from '../src/app.ts';
import { rosterConfigShape } from '../src/config.ts';

const t = useTestPage('roster', rosterConfigShape, createRosterApp, {
  prepare: (context) => loadSchool(context.pool, generateSchool()),
  timeout: 180_000,
});

describe('roster page on a phone network', () => {
  it('when staff open the roster on Chromium\'s Fast 4G profile, then the section tree (the roster tab, loaded with the import tab) is there after a first visit of under 600 kB, and the next visit takes its files from the cache', async () => {
    const timing = await timeFirstDataOnFast4G(t.browser, { url: `${t.baseUrl}/`, logIn: (page) => t.logIn(page), firstData: '.roster-browser .el-tree-node' });

    console.log(describeFirstData('roster', timing));
    // brotli: about 560 kB where the same files were 1.4 MB plain
    expect(timing.cold.bytes).toBeLessThan(600_000);
    // the second visit takes the hashed scripts and styles from the cache without asking
    expect(timing.warm.bytes).toBeLessThan(timing.cold.bytes / 10);
  }, 120_000);
});
