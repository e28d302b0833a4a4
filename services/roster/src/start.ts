import { runService } from '@doitcrm/kit';
import { createRosterApp } from './app.ts';
import { loadRosterConfig } from './config.ts';

runService('roster', loadRosterConfig, createRosterApp);
