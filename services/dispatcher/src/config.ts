import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';
import { channelSettingsShape } from '@doitcrm/channels';

export const dispatcherConfigShape = {
  ...baseConfigShape,
  ...portShape(5040),
  ...channelSettingsShape,
  DISPATCH_WEBHOOK_ALLOW_HOSTS: z.string().default('')
    .describe('comma-separated hosts (or host:port) app-webhook templates may call although they resolve to loopback or private addresses (the local fakes)'),
  DISPATCH_RECEIPT_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{24,200}$/u, '24–200 characters of A–Z a–z 0–9 _ -').optional()
    .describe('the secret SMS providers put in the receipt URL (`/api/receipts/sms/<provider>?token=…`); unset: the receipt endpoints answer 404'),
  DISPATCH_WORKERS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
    .describe('run the channel workers in this process (false: API only)'),
};

export type DispatcherConfig = Readonly<z.infer<z.ZodObject<typeof dispatcherConfigShape>>>;

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  return loadConfig(dispatcherConfigShape, env);
}
