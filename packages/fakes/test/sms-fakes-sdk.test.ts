import DysmsapiModule, * as $Dysmsapi from '@alicloud/dysmsapi20170525';
import * as $OpenApi from '@alicloud/openapi-client';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import { describe, expect, test } from 'vitest';
import { createAliyunSmsFake } from '../src/channels/aliyun-sms-fake.ts';
import { createTencentSmsFake } from '../src/channels/tencent-sms-fake.ts';
import { listenChannelFake } from '../src/testing.ts';

// CommonJS default export: the class itself under vitest, `.default` under plain Node's interop
const Dysmsapi = ((DysmsapiModule as unknown as { default?: typeof DysmsapiModule }).default ?? DysmsapiModule);

// The official SDKs sign as the real services expect; a fake that accepts them checks the signatures the same way.

async function aliyunClient(accessKeySecret?: string) {
  const { fake, url } = await listenChannelFake(createAliyunSmsFake());
  const client = new Dysmsapi(new $OpenApi.Config({
    accessKeyId: fake.accessKeyId, accessKeySecret: accessKeySecret ?? fake.accessKeySecret, endpoint: new URL(url).host, protocol: 'http',
  }));
  return { fake, client };
}

const aliyunRequest = (outId: string) => new $Dysmsapi.SendSmsRequest({
  phoneNumbers: '13800138000', signName: '学校通知', templateCode: 'SMS_1000001', templateParam: JSON.stringify({ name: '小明' }), outId,
});

const tencentClient = (fake: ReturnType<typeof createTencentSmsFake>, url: string, secretKey = fake.secretKey) => new tencentcloud.sms.v20210111.Client({
  credential: { secretId: fake.secretId, secretKey },
  region: 'ap-guangzhou',
  profile: { httpProfile: { endpoint: new URL(url).host, protocol: 'http://' } },
});

describe('SMS fakes against the official Node SDKs', () => {
  test('when the Aliyun SDK sends with OutId, then the fake verifies its ACS3 signature, answers OK with a BizId and counts one delivery for the OutId', async () => {
    // Arrange
    const { fake, client } = await aliyunClient();

    // Act
    const answer = await client.sendSms(aliyunRequest('msg-1'));

    // Assert
    expect(answer.body).toMatchObject({ code: 'OK', message: 'OK' });
    expect(answer.body?.bizId).toMatch(/\^0$/);
    expect(fake.deliveries.count('msg-1')).toBe(1);
  });

  test('when the Aliyun SDK signs with a wrong secret, then the fake refuses with SignatureDoesNotMatch and delivers nothing', async () => {
    // Arrange
    const { fake, client } = await aliyunClient('not-the-secret');

    // Act
    const failure = await client.sendSms(aliyunRequest('msg-2')).catch((error: unknown) => error);

    // Assert
    expect(failure).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when one number is sent to twice within a minute, then Aliyun answers isv.BUSINESS_LIMIT_CONTROL the second time (HTTP 200, as SendSms does)', async () => {
    // Arrange
    const { fake, client } = await aliyunClient();
    await client.sendSms(aliyunRequest('msg-3'));

    // Act
    const second = await client.sendSms(aliyunRequest('msg-4'));

    // Assert
    expect(second.body).toMatchObject({ code: 'isv.BUSINESS_LIMIT_CONTROL' });
    expect(second.body?.message).toContain('分钟级');
    expect(fake.deliveries.report()).toMatchObject({ total: 1, distinct: 1 });
  });

  test('when the Tencent SDK sends with SessionContext, then the fake verifies TC3, echoes the context per number and counts the delivery by it', async () => {
    // Arrange
    const { fake, url } = await listenChannelFake(createTencentSmsFake());

    // Act
    const answer = await tencentClient(fake, url).SendSms({
      PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: fake.smsSdkAppId, SignName: '学校通知', TemplateId: '1110',
      TemplateParamSet: ['小明'], SessionContext: 'msg-9',
    });

    // Assert
    expect(answer.SendStatusSet).toEqual([expect.objectContaining({ Code: 'Ok', PhoneNumber: '+8613800138000', SessionContext: 'msg-9', Fee: 1 })]);
    expect(fake.deliveries.count('msg-9')).toBe(1);
  });

  test('when the Tencent SDK signs with a wrong key, then the SDK throws AuthFailure.SignatureFailure from the fake', async () => {
    // Arrange
    const { fake, url } = await listenChannelFake(createTencentSmsFake());

    // Act
    const failure = await tencentClient(fake, url, 'wrong-key').SendSms({
      PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: fake.smsSdkAppId, SignName: '学校通知', TemplateId: '1110', TemplateParamSet: [],
    }).catch((error: unknown) => error);

    // Assert
    expect(failure).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when the same content goes to one number twice within 30 s, then Tencent answers LimitExceeded.PhoneNumberThirtySecondLimit for that number only', async () => {
    // Arrange
    const { fake, url } = await listenChannelFake(createTencentSmsFake());
    const client = tencentClient(fake, url);
    const request = { SmsSdkAppId: fake.smsSdkAppId, SignName: '学校通知', TemplateId: '1110', TemplateParamSet: ['小明'] };
    await client.SendSms({ ...request, PhoneNumberSet: ['+8613800138000'] });

    // Act
    const second = await client.SendSms({ ...request, PhoneNumberSet: ['+8613800138000', '+8613900139000'] });

    // Assert
    expect(second.SendStatusSet?.map((s) => s.Code)).toEqual(['LimitExceeded.PhoneNumberThirtySecondLimit', 'Ok']);
  });
});
