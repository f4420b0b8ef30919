import type { escalations } from '../../db/schema/escalations';
import {
  type Level,
  nameOf as nameOfPerson,
  type Person,
  type RelationshipDirectory,
  timeZoneOf,
} from '../core/directory';
import type { Notice } from '../core/notice';
import { formatInZone } from '../core/time-format';

export type Escalation = typeof escalations.$inferSelect;

export const reference = (id: number) => `ESC-${id}`;

export const ACTIONS = {
  approve: 'escalation.approve',
  reject: 'escalation.reject',
  escalate: 'escalation.escalate',
} as const;

/** What a decision button carries: which escalation, and the level the message was sent for. */
export const actionValue = (escalation: Escalation) => `${escalation.id}.${escalation.level}`;

export function parseActionValue(value: string): { escalationId: number; level: number } | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(value);
  return match ? { escalationId: Number(match[1]), level: Number(match[2]) } : undefined;
}

const nameOf = (directory: RelationshipDirectory, personId: string | null | undefined) =>
  nameOfPerson(directory, personId, 'someone');

const levelLabel = (directory: RelationshipDirectory, position: number) => {
  const level = directory.levels.find((candidate) => candidate.position === position);
  return `${position} of ${directory.levels.length}${level ? ` (${level.name})` : ''}`;
};

const statusLine = (escalation: Escalation, directory: RelationshipDirectory) => {
  switch (escalation.status) {
    case 'approved':
      return `Approved by ${nameOf(directory, escalation.decidedBy)}`;
    case 'rejected':
      return `Rejected by ${nameOf(directory, escalation.decidedBy)}`;
    case 'resolved':
      return `Resolved by ${nameOf(directory, escalation.resolvedBy)}`;
    default:
      return `Open at level ${levelLabel(directory, escalation.level)}`;
  }
};

function baseFields(escalation: Escalation, directory: RelationshipDirectory, viewer: Person | undefined) {
  const zone = timeZoneOf(viewer, directory.relationship);
  const fields = [
    { label: 'Severity', value: escalation.severity },
    { label: 'Raised by', value: nameOf(directory, escalation.raisedBy) },
    { label: 'Relationship', value: directory.relationship.name },
    { label: 'Level', value: levelLabel(directory, escalation.level) },
  ];
  if (escalation.status === 'open' && escalation.slaDueAt) {
    fields.push({ label: 'Respond by', value: formatInZone(escalation.slaDueAt, zone) });
  }
  if (escalation.goalId) fields.push({ label: 'Goal', value: escalation.goalId });
  return fields;
}

const title = (escalation: Escalation) => `${reference(escalation.id)}: ${escalation.title}`;

/** The request to an approver (or their delegate), with the decision buttons. */
export function approverRequest(
  escalation: Escalation,
  directory: RelationshipDirectory,
  viewer: Person | undefined,
  forApprover?: string,
): Notice {
  const fields = baseFields(escalation, directory, viewer);
  if (forApprover) fields.push({ label: 'Deciding for', value: nameOf(directory, forApprover) });
  return {
    title: title(escalation),
    text: escalation.description || undefined,
    fields,
    input: { id: 'reason', label: 'Reason (optional)', placeholder: 'Why you approve, reject or escalate' },
    actions: [
      { id: ACTIONS.approve, label: 'Approve', value: actionValue(escalation), style: 'primary' },
      { id: ACTIONS.reject, label: 'Reject', value: actionValue(escalation), style: 'danger' },
      { id: ACTIONS.escalate, label: 'Escalate now', value: actionValue(escalation) },
    ],
    fallback: `${reference(escalation.id)} needs your decision: ${escalation.title}`,
  };
}

/** A message about an escalation as it stands now, with no buttons: for updates and the channel. */
export function escalationSummary(
  escalation: Escalation,
  directory: RelationshipDirectory,
  viewer: Person | undefined,
  context?: string,
): Notice {
  const reason = escalation.decisionReason ? ` — "${escalation.decisionReason}"` : '';
  return {
    title: title(escalation),
    text: escalation.description || undefined,
    fields: [
      { label: 'Status', value: statusLine(escalation, directory) + reason },
      ...baseFields(escalation, directory, viewer),
    ],
    context,
    fallback: `${reference(escalation.id)}: ${statusLine(escalation, directory)}`,
  };
}

/** The approver's message once their level no longer decides: moved on, or decided. */
export function approverClosed(
  escalation: Escalation,
  directory: RelationshipDirectory,
  viewer: Person | undefined,
  shownLevel: number,
): Notice {
  const context =
    escalation.status === 'open' && escalation.level !== shownLevel
      ? `Moved on to level ${levelLabel(directory, escalation.level)}: no decision is needed from level ${shownLevel} any more.`
      : statusLine(escalation, directory);
  return escalationSummary(escalation, directory, viewer, context);
}

/** A plain message to one person about an escalation (raiser, executive). */
export function escalationUpdate(
  escalation: Escalation,
  directory: RelationshipDirectory,
  viewer: Person | undefined,
  headline: string,
): Notice {
  return { ...escalationSummary(escalation, directory, viewer, headline), fallback: headline };
}

export const levelName = (level: Level) => `level ${level.position} (${level.name})`;
export { nameOf };
