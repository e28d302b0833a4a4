#!/usr/bin/env -S npx tsx
// Starts the local WeCom, Coze, Feishu Bitable and channel fakes for the demo and manual testing: `npx tsx packages/fakes/src/cli.ts`
// `FAKES=feishu,wecom` starts only those (wecom, coze, feishu, channels; default all): `npm start -- --only` asks for
// the ones its services call.
import { startChannelFakes } from './channels/start-channel-fakes.ts';
import { cozeFakeOptionsFromEnv, describeCozeFake, startCozeFake } from './coze/start-coze-fake.ts';
import { startFeishuFake } from './feishu/start-feishu-fake.ts';
import { startWecomFake } from './wecom/start-wecom-fake.ts';

const KNOWN = ['wecom', 'coze', 'feishu', 'channels'];

// the fakes accept any caller and hand out throwaway credentials: a production installation must never run them
if (process.env.NODE_ENV === 'production') {
  console.error('the WeCom, Coze, Feishu and channel fakes are for demos and tests only and refuse to run with NODE_ENV=production');
  process.exit(1);
}
const wanted = new Set((process.env.FAKES || KNOWN.join(',')).split(',').map((name) => name.trim()).filter(Boolean));
const unknown = [...wanted].filter((name) => !KNOWN.includes(name));
if (unknown.length > 0) {
  console.error(`FAKES: unknown ${unknown.join(', ')}; the fakes are ${KNOWN.join(', ')}`);
  process.exit(2);
}
const closers: Array<() => Promise<void>> = [];
try {
  const started = wanted.has('wecom') ? await startWecomFake(process.env, (line) => console.log(line)) : null;
  if (started) closers.push(started.close);
  const coze = wanted.has('coze') ? await startCozeFake(cozeFakeOptionsFromEnv(process.env)) : null;
  if (coze) {
    closers.push(coze.close);
    for (const line of describeCozeFake(coze)) console.log(line);
  }
  // like the channels: a taken port must not cost the other services their fakes; feishu-sync then has no fake
  const feishu = !wanted.has('feishu') ? null : await startFeishuFake(process.env, (line) => console.log(line)).catch((error: unknown) => {
    console.error(`the Feishu fake did not start: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if (feishu) closers.push(feishu.close);
  // a taken channel port must not cost the mapper its WeCom fake: without these the dispatcher's channels stay off
  const channels = !wanted.has('channels') ? null : await startChannelFakes(process.env, (line) => console.log(line)).catch((error: unknown) => {
    console.error(`the channel fakes did not start: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if (channels) closers.push(channels.close);
  // one machine-readable line for launchers (npm start): where the fakes listen and their throwaway credentials;
  // `channels` holds, per dispatcher channel, the settings that point packages/channels at its fake
  console.log(`FAKE ${JSON.stringify({
    ...(started ? { wecom: { url: started.url, corpId: started.fake.corpId, secret: started.fake.secret, archiveSecret: started.fake.archiveSecret } } : {}),
    ...(coze ? { coze: { url: coze.url, token: coze.token, parentBotId: coze.parentBotId, teacherBotId: coze.teacherBotId } } : {}),
    ...(feishu ? { feishu: {
      url: feishu.url, appId: feishu.fake.appId, appSecret: feishu.fake.appSecret,
      appToken: feishu.fake.demo.appToken, studentsTableId: feishu.fake.demo.studentsTableId, recordsTableId: feishu.fake.demo.recordsTableId,
    } } : {}),
    ...(channels ? { channels: channels.settings } : {}),
  })}`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the fakes`);
    Promise.all(closers.map((close) => close())).then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  await Promise.allSettled(closers.map((close) => close()));
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
