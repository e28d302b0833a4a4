// Worker threads do not inherit the parent's TypeScript loader on Node 20: register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./legacy-chat-worker.ts');
