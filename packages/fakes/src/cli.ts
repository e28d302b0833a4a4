#!/usr/bin/env -S npx tsx
// Starts the local WeCom fake for the demo and manual testing: `npx tsx packages/fakes/src/cli.ts`
import { startWecomFake } from './wecom/start-wecom-fake.ts';

try {
  const started = await startWecomFake(process.env, (line) => console.log(line));
  // one machine-readable line for launchers (npm start): where the fake listens and its throwaway credentials
  const { fake } = started;
  console.log(`FAKE ${JSON.stringify({ wecom: { url: started.url, corpId: fake.corpId, secret: fake.secret, archiveSecret: fake.archiveSecret } })}`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the WeCom fake`);
    started.close().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
