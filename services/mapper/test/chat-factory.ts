import type pg from 'pg';
import { insertChatMessages, uniqueSuffix, type TestChatMessage } from '@doitcrm/kit/testing';

export type TestMessage = TestChatMessage;

/** Archive rows written straight into chat.messages (the ETL's table; the mapper only reads it). */
export const insertMessages = (pool: pg.Pool, messages: TestMessage[]): Promise<string[]> =>
  insertChatMessages(pool, messages, { msgidPrefix: 'MAP' });

let runCounter = Math.floor(Math.random() * 1_000_000);
/** A run id of its own for each test (run ids are plain numbers to the mapper). */
export function nextRunId(): number {
  runCounter += 1;
  return runCounter;
}

/** Ids unique to one test, shaped like real ones. */
export function testIds() {
  const suffix = uniqueSuffix();
  return {
    room: `wrTEST${suffix}`,
    parent: `wmTEST${suffix}`,
    silentParent: `wmSILENT${suffix}`,
    wecomParent: `woTEST${suffix}`,
    teacher: `teacher.${suffix}`,
    bot: `wbTEST${suffix}`,
  };
}
