export { createWecomFake, type WecomFake, type WecomFakeOptions } from './wecom/create-wecom-fake.ts';
export type { InjectionRule, InjectionHandle } from './wecom/error-injection.ts';
export type { CallLog, LoggedCall } from './wecom/call-log.ts';
export type {
  WecomFakeState, WecomDirectory, FakeApp, FakeAppName, FakeUser, FakeDepartment, FakeExternalContact, FakeFollower, FakeTag,
  FakeCustomerGroup, FakeGroupMember, FakeInternalGroup, UnresolvableId,
} from './wecom/wecom-fake-state.ts';
