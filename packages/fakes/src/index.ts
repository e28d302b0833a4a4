export { createWecomFake, type WecomFake, type WecomFakeOptions } from './wecom/create-wecom-fake.ts';
export type { InjectionRule, InjectionHandle } from './wecom/error-injection.ts';
export type { CallLog, LoggedCall } from './wecom/call-log.ts';
export type {
  WecomFakeState, WecomDirectory, FakeApp, FakeAppName, FakeUser, FakeDepartment, FakeExternalContact, FakeFollower, FakeTag,
  FakeCustomerGroup, FakeGroupMember, FakeInternalGroup, UnresolvableId,
} from './wecom/wecom-fake-state.ts';
export { createCozeFake, type CozeFake, type CozeFakeOptions } from './coze/create-coze-fake.ts';
export { startCozeFake, cozeFakeOptionsFromEnv, describeCozeFake, DEFAULT_COZE_FAKE_PORT, type StartCozeFakeOptions, type StartedCozeFake } from './coze/start-coze-fake.ts';
export type { CozeInjectionRule, CozeInjectionKind, CozeInjectionHandle, CozeEndpoint } from './coze/coze-injection.ts';
export type { CozeRecordedRequest } from './coze/request-log.ts';
export type { CozeFakeState, CozeStreamShape, FakeBot, FakeChat, FakeChatStatus, FakeMessage } from './coze/coze-fake-state.ts';
