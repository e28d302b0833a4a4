/** The JSON the messages API answers with: the server's own contract. */
export type {
  AggregateResponse, AggregatedPerson, CohortMember, ConversationSummary, FilterOptions, FilterUsersResponse, MessageContent,
  MessageContextResponse, MessageView, Page, Person, PersonKind, PersonRole, RoomDetail, RoomStats, RoomTree, SearchHit, SearchResponse,
  SearchUsersResponse, SnippetPart, SummariesStatus, SummaryMode, SummaryRecord, UserMessagesResponse,
} from '../src/contract.ts';
