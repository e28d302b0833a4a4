import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';
import { channelSettingsShape } from '@doitcrm/channels';

export const dispatcherConfigShape = {
  ...baseConfigShape,
  ...portShape(5040),
  ...channelSettingsShape,
  DISPATCH_WEBHOOK_ALLOW_HOSTS: z.string().default('')
    .describe('comma-separated hosts (or host:port) app-webhook templates may call although they resolve to loopback or private addresses (the local fakes)'),
  DISPATCH_WORKERS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
    .describe('run the channel workers in this process (false: API only)'),
};

export type DispatcherConfig = Readonly<z.infer<z.ZodObject<typeof dispatcherConfigShape>>>;

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  return loadConfig(dispatcherConfigShape, env);
}
