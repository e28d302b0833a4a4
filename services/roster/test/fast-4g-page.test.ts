import { describe, it } from 'vitest';
import { checkFirstVisitOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { loadDemoSchool } from '@doitcrm/demo-data';
import { createRosterApp } from '../src/app.ts';
import { rosterConfigShape } from '../src/config.ts';

const t = useTestPage('roster', rosterConfigShape, createRosterApp, { prepare: loadDemoSchool, timeout: 180_000 });

describe('roster page on a phone network', () => {
  it('when staff open the roster on Chromium\'s Fast 4G profile, then the section tree (the roster tab, loaded with the import tab) is there after a first visit of under 600 kB, and the next visit takes its files from the cache', () => checkFirstVisitOnFast4G('roster', t, '.roster-browser .el-tree-node'), 120_000);
});
