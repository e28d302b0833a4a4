import { Router } from 'express';
import { NotFoundError, auditReadAlongside, parseParams, parseQuery, type ServiceContext } from '@doitcrm/kit';
import type { MessagesConfig } from '../../config.ts';
import type { MessageView, Page, SearchUsersResponse, UserMessagesResponse } from '../../contract.ts';
import { conversationPage, lastActivity, listConversations, newestConversationKey } from '../../data-access/conversation-repository.ts';
import { decodeCursor } from '../../data-access/keyset-cursor.ts';
import { readMessageContext } from '../../data-access/message-context-repository.ts';
import { findPerson, searchPeople } from '../../data-access/person-repository.ts';
import { contextQuery, messageIdParams, resolveWindow, searchUsersQuery, userMessagesQuery } from './schemas.ts';
import { auditView, viewEntry } from './view-audit.ts';

export function createPersonRoutes(context: ServiceContext<MessagesConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/search-users', async (req, res) => {
    const query = parseQuery(searchUsersQuery, req);
    const users = await searchPeople(pool, query);
    const body: SearchUsersResponse = { count: users.length, users };
    res.json(body);
  });

  router.get('/user-messages', async (req, res) => {
    const query = parseQuery(userMessagesQuery, req);
    const window = resolveWindow(query);
    const cursor = decodeCursor(query.cursor);
    // the page is read alongside the conversation list: the newest conversation is two index lookups away
    const page = async (): Promise<{ conversationKey: string | null; messages: Page<MessageView> }> => {
      const conversationKey = query.conversation ?? await newestConversationKey(pool, query.user_id, window);
      const messages = conversationKey
        ? await conversationPage(pool, query.user_id, conversationKey, window, cursor, query.limit)
        : { items: [], nextCursor: null };
      return { conversationKey, messages };
    };
    const paged = page();
    const found = findPerson(pool, query.user_id);
    // the row is written once the page and the person are known, while the conversation list is still counted
    const entry = Promise.all([found, paged]).then(([person, { conversationKey, messages }]) => (person ? viewEntry('messages.person.view', { type: 'person', id: person.id }, {
      conversation: conversationKey, start: window.start.toISOString(), end: window.end.toISOString(), returned: messages.items.length,
    }) : null));
    const [person, conversations, last, { conversationKey, messages }] = await auditReadAlongside(pool, req, entry, Promise.all([
      found, listConversations(pool, query.user_id, window), lastActivity(pool, query.user_id), paged,
    ]));
    if (!person) throw new NotFoundError(`没有这个人: ${query.user_id}`);
    const body: UserMessagesResponse = {
      person, startTime: window.start.toISOString(), endTime: window.end.toISOString(), conversations, conversationKey,
      lastActivityTime: last?.toISOString() ?? null, messages,
    };
    res.json(body);
  });

  // the conversation (group, or 1:1 of its two parties) of one message: search hits and `/?msg=` links open here
  router.get('/message-context/:msgid', async (req, res) => {
    const { msgid } = parseParams(messageIdParams, req);
    const query = parseQuery(contextQuery, req);
    const found = await readMessageContext(pool, msgid, query.limit, decodeCursor(query.cursor));
    if (!found) throw new NotFoundError(`没有这条消息: ${msgid}`);
    const target = found.conversation.type === 'group' ? found.conversation.roomId : found.conversation.ids.join(' ↔ ');
    await auditView(pool, req, 'messages.message.view', { type: 'message', id: msgid }, {
      conversation: target, returned: found.older.items.length + found.newer.length,
    });
    res.json(found);
  });

  return router;
}
