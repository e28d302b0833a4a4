import type { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

export const dispatcherConfigShape = {
  ...baseConfigShape,
  ...portShape(5040),
};

export type DispatcherConfig = Readonly<z.infer<z.ZodObject<typeof dispatcherConfigShape>>>;

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  return loadConfig(dispatcherConfigShape, env);
}
