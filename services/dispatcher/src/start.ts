import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';

runService('dispatcher', loadDispatcherConfig, async (context) => createDispatcherApp(context));
