import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';
import { wecomSettingsShape } from '@doitcrm/wecom';

export const mapperConfigShape = {
  ...baseConfigShape,
  ...portShape(5004),
  ...wecomSettingsShape,
};

export type MapperConfig = Readonly<z.infer<z.ZodObject<typeof mapperConfigShape>>>;

export function loadMapperConfig(env: NodeJS.ProcessEnv = process.env): MapperConfig {
  return loadConfig(mapperConfigShape, env);
}
