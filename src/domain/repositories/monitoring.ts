import type { ChannelName } from '../channel.js';
import type { CallOutcome, EnrolmentStatus, MonitoringPeriod, MonitoringStage, NotifyStatus, ResultSource, TestResult } from '../monitoring.js';

/** A monitoring_enrolments row (test dates parsed). */
export interface EnrolmentRecord {
  id: number;
  contactId: number;
  sourceCaseId: number | null;
  elicitedAt: number;
  lastExposureDate: string;
  quarantineEnd: string;
  testDates: string[];
  lastCheckinDate: string;
  status: EnrolmentStatus;
  notifyStatus: NotifyStatus;
  notifyProblem: string | null;
  channel: ChannelName | null;
  channelUserId: string | null;
  lang: 'id' | 'en';
  notifiedAt: number | null;
  repliedAt: number | null;
  symptomaticAt: number | null;
  unresponsiveAt: number | null;
  missedInRow: number;
  testResult: TestResult | null;
  testedAt: string | null;
  resultSource: ResultSource | null;
  becameCaseId: number | null;
  closedAt: number | null;
  closedReason: string | null;
  callOutcome: CallOutcome | null;
  callDoneAt: number | null;
  callDoneBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export type CheckinStatus = 'planned' | 'queued' | 'sent' | 'answered' | 'missed' | 'skipped';

/** A monitoring_checkins row (symptoms parsed). */
export interface CheckinRecord {
  id: number;
  enrolmentId: number;
  date: string;
  day: number;
  dueAt: number;
  status: CheckinStatus;
  conversationId: number | null;
  queuedAt: number | null;
  sentAt: number | null;
  answeredAt: number | null;
  hasSymptoms: boolean | null;
  symptoms: string[] | null;
  testResult: 'positive' | 'negative' | 'not_tested' | null;
}

/** An exposure not yet enrolled, with what enrolment needs. */
export interface ExposureToEnrol {
  exposureId: number;
  caseId: number;
  /** The contact (followed to the record it was merged into). */
  contactId: number;
  lastContactDate: string | null;
  createdAt: number;
  lang: 'id' | 'en';
}

/** A check-in whose time has come, with the chat to send it to. */
export interface DueCheckin {
  checkinId: number;
  enrolmentId: number;
  channel: ChannelName;
  channelUserId: string;
}

/** A contact a tracer should call: no phone, not on WhatsApp, or outreach gave up; again later when a call was not answered. */
export interface CallTask {
  enrolmentId: number;
  contactId: number;
  name: string;
  phone: string | null;
  area: string | null;
  problem: string | null;
  sourceCaseId: number | null;
  sourceCaseExternalId: string | null;
  quarantineEnd: string;
  elicitedAt: number;
  /** `not_reached` when a tracer tried already (the list keeps them, after those never tried); null before any call. */
  callOutcome: 'not_reached' | null;
  callDoneAt: number | null;
}

/** A row of the coordinators' roster. */
export interface RosterRow {
  enrolment: EnrolmentRecord;
  stage: MonitoringStage;
  name: string;
  phone: string | null;
  area: string | null;
}

export interface RosterFilter {
  stage?: MonitoringStage;
  area?: string;
  /** Only records still active or closed at or after this time (today's roster: released today, not last month). */
  closedSince?: number;
  limit: number;
  offset: number;
}

/** Monitoring records, their exposures and their check-ins; settings rows. Statements prepared once. */
export interface MonitoringRepository {
  byId(id: number): EnrolmentRecord | undefined;
  /** The contact's active record, else their latest one. */
  byContact(contactId: number): EnrolmentRecord | undefined;
  activeByContact(contactId: number): EnrolmentRecord | undefined;
  /** The latest record whose chat this is. */
  byChat(channel: ChannelName, channelUserId: string): EnrolmentRecord | undefined;
  /** Insert an active record; returns its id. */
  insert(e: { contactId: number; sourceCaseId: number; elicitedAt: number; period: MonitoringPeriod; lang: 'id' | 'en'; now: number }): number;
  /** Move a record's period (a later exposure) and its source case. */
  extend(id: number, period: MonitoringPeriod, sourceCaseId: number, now: number): void;
  /** Record that an exposure was enrolled (enrolmentId null: too old to follow); false when it was already. */
  linkExposure(exposureId: number, enrolmentId: number | null, now: number): boolean;
  /** The exposure with what enrolment needs, when it is not enrolled yet. */
  exposureToEnrol(exposureId: number): ExposureToEnrol | undefined;
  /** The exposure recorded from this event source (`conversation:key:index`), when it is not enrolled yet. */
  exposureToEnrolBySource(sourceKey: string): ExposureToEnrol | undefined;
  /** Exposures never enrolled (e.g. added by a tracer or an import), oldest first; only the newest ids are looked at. */
  unenrolledExposures(limit: number): ExposureToEnrol[];
  /** Active records waiting for outreach since before `before`. */
  pendingNotifications(before: number, limit: number): number[];
  /** The contact's name, phone and area (the record's person). */
  contact(contactId: number): { id: number; name: string; phone: string | null; area: string | null } | undefined;
  /** Contact phone and status for outreach. */
  outreachTarget(id: number): { status: EnrolmentStatus; notifyStatus: NotifyStatus; phone: string | null } | undefined;
  markQueued(id: number, channel: ChannelName, channelUserId: string, now: number): void;
  markNotified(id: number, now: number): boolean;
  markNeedsCall(id: number, problem: string, now: number): boolean;
  /** The person proved who they are in the notification run (`replied_at`). */
  markReplied(id: number, now: number): void;
  /** Sets symptomatic_at the first time; true when it did. */
  markSymptomatic(id: number, now: number): boolean;
  markUnresponsive(id: number, now: number): void;
  /** Store a test result; false when the same result for the same date was stored already. */
  recordResult(id: number, r: { result: TestResult; testedAt: string; source: ResultSource }, now: number): boolean;
  /** Close an active record; false when it was not active. */
  close(id: number, c: { status: Exclude<EnrolmentStatus, 'active'>; reason: string; becameCaseId?: number | null }, now: number): boolean;
  recordCallOutcome(id: number, outcome: CallOutcome, userId: number | null, now: number): boolean;
  callTasks(limit: number): CallTask[];
  roster(filter: RosterFilter): { total: number; rows: RosterRow[] };
  /** Records per contact area and roster stage (active, or closed at or after `closedSince`), in one scan. */
  stageCounts(closedSince: number): { area: string | null; stage: MonitoringStage; n: number }[];
  /** Active records whose last check-in day is before `date`. */
  toRelease(date: string, limit: number): number[];

  /**
   * Plan one check-in on `date` for every active record whose period covers it, notified before `dayStart` and confirmed
   * (the person typed their name: nothing about a quarantine goes to a number not proven to be theirs);
   * returns how many were added (existing ones are kept).
   */
  planDay(date: string, dueAt: number, dayStart: number, now: number): number;
  /**
   * Check-ins sent before `date` and not answered become missed (those never sent, skipped); returns how many were missed
   * and the active records now at `misses` or more in a row that were not escalated yet.
   */
  markMissedBefore(date: string, misses: number, now: number): { missed: number; unresponsive: number[] };
  /** Check-ins planned and due by `at`, and queued ones not handled since `requeueBefore` (their item was lost). */
  dueCheckins(at: number, requeueBefore: number, limit: number): DueCheckin[];
  markCheckinQueued(id: number, now: number): void;
  checkinById(id: number): CheckinRecord | undefined;
  checkinByConversation(conversationId: number): CheckinRecord | undefined;
  /** planned/queued -> sent with its conversation; false when it was sent already. */
  startCheckin(id: number, conversationId: number, now: number): boolean;
  skipCheckin(id: number, now: number): void;
  /** Record the answers; resets the record's misses in a row. False when it was answered already. */
  answerCheckin(id: number, a: { hasSymptoms: boolean | null; symptoms: string[] | null; testResult: CheckinRecord['testResult'] }, now: number): boolean;
  checkins(enrolmentId: number): CheckinRecord[];

  getSetting(key: string): string | undefined;
  putSetting(key: string, value: string, userId: number | null, now: number): void;
}
