import { startWecomFake } from '../../packages/fakes/src/wecom/start-wecom-fake.ts';
await startWecomFake({ ...process.env, WECOM_FAKE_PORT: '0', WECOM_FAKE_TRANSIENT_RATE: '0' }, (line) => console.log(line));
