import { describe, expect, test } from 'vitest';
import { uniqueSuffix, useTestDatabase } from '@doitcrm/kit/testing';
import { conversationPage, PRIVATE_PREFIX } from '../src/data-access/conversation-repository.ts';
import { decodeCursor } from '../src/data-access/keyset-cursor.ts';
import { insertMessages } from './chat-factory.ts';

const db = useTestDatabase();

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const lastDay = () => ({ start: minutesAgo(24 * 60), end: new Date() });

describe('a 1:1 conversation page read by sender and receiver', () => {
  test('when a teacher also writes to other parents, then the pair\'s page holds both directions and nothing else, newest first', async () => {
    // Arrange
    const suffix = uniqueSuffix();
    const parent = `wmP${suffix}`;
    const teacher = `teacher.${suffix}`;
    const [asked, answered] = await insertMessages(db.pool, [
      { from: parent, to: [teacher], at: minutesAgo(30) },
      { from: teacher, to: [parent], at: minutesAgo(20) },
      { from: teacher, to: [`wmOther${suffix}`], at: minutesAgo(10) },
      { from: parent, to: [`other.teacher.${suffix}`], at: minutesAgo(5) },
    ]);

    // Act
    const page = await conversationPage(db.pool, parent, `${PRIVATE_PREFIX}${teacher}`, lastDay(), null, 50);

    // Assert
    expect(page.items.map((message) => message.msgid)).toEqual([answered, asked]);
    expect(page.nextCursor).toBeNull();
  });

  test('when a person writes to themself, then each of those messages is on the page once', async () => {
    // Arrange
    const self = `wmSelf${uniqueSuffix()}`;
    const [first, second] = await insertMessages(db.pool, [
      { from: self, to: [self], at: minutesAgo(30) },
      { from: self, to: [self], at: minutesAgo(20) },
    ]);

    // Act
    const page = await conversationPage(db.pool, self, `${PRIVATE_PREFIX}${self}`, lastDay(), null, 50);

    // Assert
    expect(page.items.map((message) => message.msgid)).toEqual([second, first]);
  });

  test('when a pair\'s chat is longer than a page, then the pages follow each other across both directions without a gap', async () => {
    // Arrange: alternating directions, one a minute
    const suffix = uniqueSuffix();
    const parent = `wmP${suffix}`;
    const teacher = `teacher.${suffix}`;
    const ids = await insertMessages(db.pool, Array.from({ length: 7 }, (_, index) => (
      index % 2 === 0 ? { from: parent, to: [teacher], at: minutesAgo(60 - index) } : { from: teacher, to: [parent], at: minutesAgo(60 - index) })));

    // Act
    const first = await conversationPage(db.pool, parent, `${PRIVATE_PREFIX}${teacher}`, lastDay(), null, 4);
    const second = await conversationPage(db.pool, parent, `${PRIVATE_PREFIX}${teacher}`, lastDay(), decodeCursor(first.nextCursor!), 4);

    // Assert
    expect([...first.items, ...second.items].map((message) => message.msgid)).toEqual([...ids].reverse());
    expect(second.nextCursor).toBeNull();
  });
});
