#!/usr/bin/env -S npx tsx
// Starts the local WeCom, Coze, Feishu Bitable and channel fakes for the demo and manual testing: `npx tsx packages/fakes/src/cli.ts`
import { startChannelFakes } from './channels/start-channel-fakes.ts';
import { cozeFakeOptionsFromEnv, describeCozeFake, startCozeFake } from './coze/start-coze-fake.ts';
import { startFeishuFake } from './feishu/start-feishu-fake.ts';
import { startWecomFake } from './wecom/start-wecom-fake.ts';

// the fakes accept any caller and hand out throwaway credentials: a production installation must never run them
if (process.env.NODE_ENV === 'production') {
  console.error('the WeCom, Coze, Feishu and channel fakes are for demos and tests only and refuse to run with NODE_ENV=production');
  process.exit(1);
}
try {
  const started = await startWecomFake(process.env, (line) => console.log(line));
  const coze = await startCozeFake(cozeFakeOptionsFromEnv(process.env)).catch(async (error: unknown) => {
    await started.close();
    throw error;
  });
  for (const line of describeCozeFake(coze)) console.log(line);
  // like the channels: a taken port must not cost the other services their fakes; feishu-sync then has no fake
  const feishu = await startFeishuFake(process.env, (line) => console.log(line)).catch((error: unknown) => {
    console.error(`the Feishu fake did not start: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  // a taken channel port must not cost the mapper its WeCom fake: without these the dispatcher's channels stay off
  const channels = await startChannelFakes(process.env, (line) => console.log(line)).catch((error: unknown) => {
    console.error(`the channel fakes did not start: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  // one machine-readable line for launchers (npm start): where the fakes listen and their throwaway credentials;
  // `channels` holds, per dispatcher channel, the settings that point packages/channels at its fake
  const { fake } = started;
  console.log(`FAKE ${JSON.stringify({
    wecom: { url: started.url, corpId: fake.corpId, secret: fake.secret, archiveSecret: fake.archiveSecret },
    coze: { url: coze.url, token: coze.token, parentBotId: coze.parentBotId, teacherBotId: coze.teacherBotId },
    ...(feishu ? { feishu: {
      url: feishu.url, appId: feishu.fake.appId, appSecret: feishu.fake.appSecret,
      appToken: feishu.fake.demo.appToken, studentsTableId: feishu.fake.demo.studentsTableId, recordsTableId: feishu.fake.demo.recordsTableId,
    } } : {}),
    ...(channels ? { channels: channels.settings } : {}),
  })}`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the fakes`);
    Promise.all([started.close(), coze.close(), feishu?.close(), channels?.close()]).then(() => process.exit(0), (error: unknown) => {
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
