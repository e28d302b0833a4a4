import { describe, expect, test } from 'vitest';
import { fakeEndpoint } from '../src/wecom/fake-endpoint.ts';

const answer = () => ({});

describe('WeCom fake: declaring an endpoint', () => {
  test('when a GET names its id parameter, then the ids come from the query string, not the body', () => {
    // Arrange
    const endpoint = fakeEndpoint('GET user/get', 'contact', 'userid', answer);

    // Act
    const ids = endpoint.ids({ query: { userid: 'zhangsan' }, body: { userid: 'lisi' } });

    // Assert
    expect(endpoint).toMatchObject({ path: 'user/get', method: 'GET', app: 'contact' });
    expect(ids).toEqual(['zhangsan']);
  });

  test('when a POST names its id parameter, then the ids come from the body', () => {
    // Act
    const ids = fakeEndpoint('POST externalcontact/groupchat/get', 'contact', 'chat_id', answer)
      .ids({ query: { chat_id: 'wrQUERY' }, body: { chat_id: 'wrBODY' } });

    // Assert
    expect(ids).toEqual(['wrBODY']);
  });

  test('when a list call is about no id, then it reports none, even with id-like parameters', () => {
    // Act
    const ids = fakeEndpoint('POST user/list_id', 'contact', null, answer).ids({ query: { userid: 'x' }, body: { userid: 'y' } });

    // Assert
    expect(ids).toEqual([]);
  });
});
