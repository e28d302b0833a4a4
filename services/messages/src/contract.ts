// The messages service's API types, shared by the routes and the page. Times are ISO 8601 with offset.

export type PersonRole = 'parent' | 'teacher' | 'head_teacher' | 'advisor';
/** the visible switch of the person search: parents (and not yet classified ids) or staff */
export type PersonKind = 'parent' | 'staff' | 'all';

export interface StudentRef {
  name: string;
  englishName: string | null;
  className: string | null;
  levelName: string | null;
  sectionName: string | null;
}

export interface Person {
  id: string;
  displayName: string;
  businessName: string | null;
  nickname: string | null;
  role: PersonRole | null;
  idKind: string;
  students: StudentRef[];
}

export interface SearchUsersResponse {
  count: number;
  users: Person[];
}

/** A message rendered for reading: every msgtype gets a label and readable text, never HTML. */
export interface MessageContent {
  /** text | image | voice | video | file | link | weapp | doc | chatrecord | … (the archive msgtype) */
  type: string;
  /** Chinese label of the type, e.g. 图片 */
  label: string;
  /** the readable text (message text, title, file name); null for bare media */
  text: string | null;
  /** secondary line: file size, voice length, link description, chat-record lines */
  detail: string | null;
  recalled: boolean;
}

export interface MessageView {
  msgid: string;
  msgtime: string;
  msgtype: string;
  roomId: string | null;
  fromId: string | null;
  senderName: string;
  senderRole: PersonRole | null;
  /** sender has no complete mapping (business name, role, and for parents a student) and is not staff */
  unmappedParent: boolean;
  content: MessageContent;
  /** in a person's view: sent by that person (我) or by someone else (对方 / context in groups) */
  direction?: 'sent' | 'received';
  /** in a person's group view: a message of someone else shown around the person's own */
  isContext?: boolean;
}

export interface Page<T> {
  items: T[];
  /** opaque keyset cursor of the next (older) page; null on the last page */
  nextCursor: string | null;
}

export interface ConversationSummary {
  /** room id for groups; `private:<peer id>` for 1:1 */
  key: string;
  type: 'group' | 'private';
  name: string;
  peerId: string | null;
  roomId: string | null;
  /** messages of the person in the window (sent, and for 1:1 also received) */
  messageCount: number;
  firstMessageTime: string;
  lastMessageTime: string;
}

export interface UserMessagesResponse {
  person: Person;
  startTime: string;
  endTime: string;
  conversations: ConversationSummary[];
  conversationKey: string | null;
  /** the person's latest message of all time, so the page can offer that month when the window is empty */
  lastActivityTime: string | null;
  messages: Page<MessageView>;
}

export interface RoomTreeClass {
  classId: number;
  className: string;
  roomId: string;
  roomName: string;
}
export interface RoomTreeLevel {
  levelId: number;
  levelName: string;
  classes: RoomTreeClass[];
}
export interface RoomTreeSection {
  sectionId: number;
  sectionName: string;
  levels: RoomTreeLevel[];
}
export interface RoomTree {
  classRooms: RoomTreeSection[];
  otherRooms: Array<{ roomId: string; roomName: string; notes: string | null }>;
}

export interface RoomStats {
  totalRooms: number;
  classRoomsCount: number;
  otherRoomsCount: number;
  todayMessages: number;
  weekMessages: number;
  activeRoomsToday: number;
}

export interface RoomDetail {
  roomId: string;
  roomName: string;
  notes: string | null;
  classId: number | null;
  className: string | null;
  levelName: string | null;
  sectionName: string | null;
  stats: {
    totalMessages: number;
    activeMembers: number;
    firstMessageTime: string | null;
    lastMessageTime: string | null;
    messages7Days: number;
    messagesToday: number;
  };
  members: Array<{ id: string; name: string; role: PersonRole | null; messageCount: number; lastActive: string | null }>;
}

export interface SnippetPart {
  text: string;
  hit: boolean;
}
export interface SearchHit extends MessageView {
  snippet: SnippetPart[];
  roomName: string | null;
}
export interface SearchResponse extends Page<SearchHit> {
  term: string;
}

export interface MessageContextResponse {
  conversation: { type: 'group'; roomId: string; name: string } | { type: 'private'; ids: [string, string]; name: string };
  target: MessageView;
  /** up to 10 newer messages, oldest first */
  newer: MessageView[];
  /** the target and older messages, newest first */
  older: Page<MessageView>;
}

export interface FilterOptions {
  sections: Array<{ id: number; name: string }>;
  levels: Array<{ id: number; name: string; sectionId: number }>;
  classes: Array<{ id: number; name: string; roomId: string | null; levelId: number; sectionId: number }>;
}

export interface CohortMember extends Person {
  /** messages the person sent in the chosen window */
  messageCount: number;
}
export interface FilterUsersResponse {
  count: number;
  /** true when more people matched than the limit returned */
  truncated: boolean;
  users: CohortMember[];
}

export interface AggregatedPerson {
  person: Person;
  /** the person's messages in the window (sent, and 1:1 received) */
  total: number;
  /** the newest `maxMessagesPerUser` of them, oldest first */
  messages: MessageView[];
}
export interface AggregateResponse {
  totalUsers: number;
  totalMessages: number;
  maxMessagesPerUser: number;
  people: AggregatedPerson[];
  text: string;
}

export type SummaryMode = 'parent' | 'teacher';
export type SummaryStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export interface SummaryRecord {
  id: number;
  jobId: string | null;
  mode: SummaryMode;
  subjectIds: string[];
  subjectNames: string[];
  windowStart: string;
  windowEnd: string;
  maxPerPerson: number;
  messageCount: number | null;
  botId: string;
  status: SummaryStatus;
  summary: string | null;
  error: string | null;
  durationMs: number | null;
  createdBy: number | null;
  createdAt: string;
  finishedAt: string | null;
}
export interface SummariesStatus {
  enabled: boolean;
  /** why summaries are off, in Chinese, naming the settings to add */
  message: string | null;
}
