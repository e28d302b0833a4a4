import type { AliasTable, Rng } from './random.ts';
import {
  type ArchiveModel, type GroupRuntime, type ParentRuntime, type Person, DIRECT_PARENT, channelOf, contactTable,
} from './archive-model.ts';
import type { SpeakerSlot } from './msgtype-mix.ts';
import type { TextContext } from './templates.ts';
import type { TextScene } from './text.ts';
import type { Season } from './calendar.ts';
import { staffCurve } from './rhythm.ts';

/** One message's speaker, receivers and what its text may mention. Reused between messages to spare the GC. */
export interface Turn extends Omit<TextScene, 'msgtime'> {
  from: Person;
  tolist: string[];
  /** '' for 1:1 chats, as in the archive */
  roomid: string;
  roomName: string;
  other: Person;
  external: boolean;
  slot: SpeakerSlot;
  textContext: TextContext;
}

/** How often the next message continues the previous conversation (replies, follow-ups, "收到" floods). */
const CONTINUE = 0.45;

/**
 * Teachers answer parents: most parent messages in a group with staff, and 1:1 to a staff member, are owed a reply,
 * which comes as one of the next messages of the school with a chance that follows the staff's working hours (at
 * 10:00 within minutes, at 21:00 often, at night not until the morning). The queue is short: when parents write
 * faster than staff answer, the oldest question is dropped (answered, if at all, by whatever staff write next).
 */
const REPLY_OWED = 0.85;
const REPLY_CHANCE_AT_WORK = 0.6;
const OWED_QUEUE = 6;

type OwedReply = { group: GroupRuntime; parent: null; staff: null } | { group: null; parent: ParentRuntime; staff: Person };

/**
 * Picks who writes next, to whom. Conversations run on: a message often continues the previous chat,
 * either by the same person or as a reply, which gives the bursty look of real chat logs.
 */
export class ConversationPicker {
  private readonly parentById: Map<string, ParentRuntime>;
  private channel = Number.NaN;
  private group: GroupRuntime | null = null;
  private parent: ParentRuntime | null = null;
  private staffA: Person | null = null;
  private staffB: Person | null = null;
  private lastFrom: Person | null = null;
  private lastHour = -1;
  private readonly owed: OwedReply[] = [];

  /** `hours`: the archive's span, so members who left stop being named after their time */
  constructor(private readonly model: ArchiveModel, private readonly hours = 1) {
    this.parentById = new Map(model.parents.map((p) => [p.person.id, p]));
  }

  next(rng: Rng, season: Season, hourOfWeek: number, hourIndex: number, turn: Turn): void {
    const owed = this.owed[0];
    if (owed && rng.chance(Math.min(1, REPLY_CHANCE_AT_WORK * staffCurve(hourOfWeek)))) {
      this.owed.shift();
      this.lastHour = hourIndex;
      this.answer(rng, hourOfWeek, hourIndex / this.hours, owed, turn);
    } else {
      const cont = hourIndex === this.lastHour && !Number.isNaN(this.channel) && rng.chance(CONTINUE);
      this.lastHour = hourIndex;
      if (!cont) this.channel = channelOf(this.model, (this.model.channelTables[season][hourOfWeek] as AliasTable).sample(rng));
      if (this.channel >= 0) this.groupTurn(rng, hourOfWeek, hourIndex / this.hours, cont, turn);
      else if (this.channel === DIRECT_PARENT) this.parentTurn(rng, cont, turn);
      else this.staffTurn(rng, cont, turn);
      this.oweReply(rng, turn);
    }
    this.lastFrom = turn.from;
  }

  /** A parent's message to staff (a group with staff, or 1:1) is owed an answer, most of the time. */
  private oweReply(rng: Rng, turn: Turn): void {
    if (turn.from.kind !== 'parent' || !rng.chance(REPLY_OWED)) return;
    const owed: OwedReply | null = turn.roomid === ''
      ? (this.parent && this.staffA ? { group: null, parent: this.parent, staff: this.staffA } : null)
      : (this.group?.staffTable ? { group: this.group, parent: null, staff: null } : null);
    if (!owed) return;
    if (this.owed.length >= OWED_QUEUE) this.owed.shift();
    this.owed.push(owed);
  }

  /** The owed answer: in the group by one of its staff (teacher and head teacher most), or 1:1 by the one asked. */
  private answer(rng: Rng, hourOfWeek: number, elapsedShare: number, owed: OwedReply, turn: Turn): void {
    if (owed.group) {
      this.channel = this.model.groups.indexOf(owed.group);
      this.group = owed.group;
      const g = owed.group;
      this.groupTurn(rng, hourOfWeek, elapsedShare, true, turn, this.person(g.staff[(g.staffTable as AliasTable).sample(rng)] as string));
    } else {
      this.channel = DIRECT_PARENT;
      this.parent = owed.parent;
      this.staffA = owed.staff;
      this.parentTurn(rng, true, turn, false);
    }
  }

  private groupTurn(rng: Rng, hourOfWeek: number, elapsedShare: number, cont: boolean, turn: Turn, speaker: Person | null = null): void {
    const g = cont && this.group ? this.group : (this.model.groups[this.channel] as GroupRuntime);
    this.group = g;
    let from: Person;
    if (speaker) from = speaker;
    else if (cont && this.lastFrom && rng.chance(0.35)) from = this.lastFrom;
    else {
      const r = rng.float();
      if (g.bots.length > 0 && r < 0.03) from = this.person(rng.pick(g.bots));
      else if (g.staffTable && (r < (g.staffShare[hourOfWeek] as number) || !g.speakerTable)) from = this.person(g.staff[g.staffTable.sample(rng)] as string);
      else if (g.speakerTable) from = this.person(g.speakers[g.speakerTable.sample(rng)] as string);
      else from = this.person(g.members[0] as string);
    }
    const tolist: string[] = [];
    for (const id of g.members) {
      if (id === from.id) continue;
      if (g.leavers.size > 0 && elapsedShare > (g.leavers.get(id) ?? 1)) continue;
      tolist.push(id);
    }
    turn.from = from;
    turn.tolist = tolist;
    turn.roomid = g.roomId;
    turn.roomName = g.name;
    turn.other = this.person(tolist[0] ?? from.id);
    turn.external = g.external;
    if (g.kind === 'internal') {
      turn.slot = 'internal';
      turn.textContext = 'internal';
      this.sceneFromGroup(rng, turn, rng.pick(this.model.groups));
      return;
    }
    if (from.kind === 'bot') {
      turn.slot = 'botGroup';
      turn.textContext = 'bot';
    } else if (from.kind === 'staff') {
      turn.slot = 'staffGroup';
      turn.textContext = g.kind === 'customer' ? 'customerGroup' : from.role === 'teacher' ? 'teacherGroup' : 'headGroup';
    } else {
      turn.slot = 'parentGroup';
      turn.textContext = g.kind === 'customer' ? 'customerGroup' : 'parentGroup';
    }
    this.sceneFromGroup(rng, turn, g);
    if (from.kind === 'parent') turn.child = this.parentById.get(from.id)?.childCall ?? turn.child;
  }

  private parentTurn(rng: Rng, cont: boolean, turn: Turn, sender: boolean | null = null): void {
    let parent = this.parent;
    let staff = this.staffA;
    let parentSends: boolean;
    if (sender !== null && parent && staff) parentSends = sender;
    else if (cont && parent && staff && this.lastFrom) {
      const reply = rng.chance(0.6);
      const lastWasParent = this.lastFrom.id === parent.person.id;
      parentSends = reply ? !lastWasParent : lastWasParent;
    } else {
      parent = this.model.parents[this.model.directParentTable.sample(rng)] as ParentRuntime;
      staff = this.person(parent.contacts[contactTable.sample(rng)] as string);
      parentSends = rng.chance(0.55);
    }
    // silent parents read but never write
    if (parent.person.activity === 0) parentSends = false;
    this.parent = parent;
    this.staffA = staff;
    const from = parentSends ? parent.person : staff;
    const to = parentSends ? staff : parent.person;
    this.direct(turn, from, to);
    turn.external = true;
    turn.slot = parentSends ? 'parentDirect' : 'staffDirect';
    turn.textContext = turn.slot;
    const g = parent.group;
    turn.child = parent.childCall;
    turn.kids = g?.kids ?? [];
    turn.teacher = parentSends ? staff.callName : (g?.teacherCall ?? staff.callName);
    turn.className = g?.className ?? '';
    turn.weekday = g?.weekday ?? '周六';
    turn.time = g?.time ?? '9:00';
  }

  private staffTurn(rng: Rng, cont: boolean, turn: Turn): void {
    let a = this.staffA;
    let b = this.staffB;
    if (!(cont && a && b)) {
      a = this.model.staff[this.model.staffTable.sample(rng)] as Person;
      do b = this.model.staff[this.model.staffTable.sample(rng)] as Person;
      while (b.id === a.id);
    } else if (rng.chance(0.6)) [a, b] = [b, a];
    this.staffA = a;
    this.staffB = b;
    this.direct(turn, a, b);
    turn.external = false;
    turn.slot = 'internal';
    turn.textContext = 'internal';
    this.sceneFromGroup(rng, turn, rng.pick(this.model.groups));
  }

  private direct(turn: Turn, from: Person, to: Person): void {
    turn.from = from;
    turn.tolist = [to.id];
    turn.roomid = '';
    turn.roomName = '';
    turn.other = to;
  }

  private sceneFromGroup(rng: Rng, turn: Turn, g: GroupRuntime): void {
    turn.kids = g.kids;
    turn.child = g.kids.length > 0 ? rng.pick(g.kids) : '小朋友';
    turn.teacher = g.teacherCall;
    turn.className = g.className;
    turn.weekday = g.weekday;
    turn.time = g.time;
  }

  private person(id: string): Person {
    return this.model.people.get(id) as Person;
  }
}
