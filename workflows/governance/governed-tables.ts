import { eq, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import {
  type BusinessHours,
  escalationLevels,
  goals,
  issueLists,
  people,
  relationships,
  reviewSeries,
  roles,
} from '../../db/schema/index';
import type { GovernanceFile, GovernanceRelationship } from './governance-schema';
import { formatDays, formatDuration } from './governance-values';

export type GovernedEntity = 'relationship' | 'person' | 'level' | 'role' | 'review' | 'goal' | 'issue list';

/** A row as drizzle reads and writes it, without the lifecycle columns. */
export type Row = Record<string, unknown>;

/** A column the file controls, named as the file names it and shown canonically, which is also how it is compared. */
type Field = { name: string; column: string; show: (value: unknown) => string | null };

export type GovernedTable = {
  entity: GovernedEntity;
  table: PgTable;
  keyColumns: string[];
  /** Unique within a relationship, as the plan shows it: `alice`, `1`, `level:1/approver/dave`. */
  key: (row: Row) => string;
  fields: Field[];
  /** Rows of the table the file owns; others (scheduled or proposed in chat) are left alone. */
  owned?: SQL;
};

const plain = (value: unknown) => (value === null || value === undefined ? null : String(value));
const field = (name: string, column = name, show = plain): Field => ({ name, column, show });
const nullable = (show: (value: never) => string) => (value: unknown) =>
  value === null || value === undefined ? null : show(value as never);

/** In plan order: a relationship is written before the rows that point at it, roles after what they scope. */
export const governedTables: GovernedTable[] = [
  {
    entity: 'relationship',
    table: relationships,
    keyColumns: ['id'],
    key: (row) => String(row.id),
    fields: [
      field('name'),
      field('client'),
      field('provider'),
      field('timezone'),
      field('channels.slack', 'slackChannel'),
      field('channels.teams', 'teamsChannel'),
      field(
        'business_hours',
        'businessHours',
        nullable((hours: BusinessHours) => `${formatDays(hours.days)} ${hours.from}-${hours.to}`),
      ),
      field('risks.agenda_score', 'riskAgendaScore'),
    ],
  },
  {
    entity: 'person',
    table: people,
    keyColumns: ['relationshipId', 'id'],
    key: (row) => String(row.id),
    fields: [
      field('name'),
      field('side'),
      field('slack', 'slackUserId'),
      field('teams', 'teamsAadObjectId'),
      field('email'),
      field('timezone'),
    ],
  },
  {
    entity: 'level',
    table: escalationLevels,
    keyColumns: ['relationshipId', 'ladder', 'position'],
    key: (row) => (row.ladder ? `${row.ladder}/${row.position}` : String(row.position)),
    fields: [
      field('name'),
      field('quorum', 'quorum', (value) => (value === 0 ? 'all' : plain(value))),
      field('respond_within', 'respondWithinSeconds', nullable(formatDuration)),
    ],
  },
  {
    entity: 'review',
    table: reviewSeries,
    keyColumns: ['relationshipId', 'id'],
    key: (row) => String(row.id),
    fields: [
      field('title'),
      field('rrule'),
      field('at', 'localTime'),
      field(
        'start',
        'startsAt',
        nullable((start: Date) => start.toISOString()),
      ),
      field('duration', 'durationSeconds', nullable(formatDuration)),
      field(
        'remind_before',
        'remindBeforeSeconds',
        nullable((seconds: number[]) => `[${seconds.map(formatDuration).join(', ')}]`),
      ),
      field('join_url', 'joinUrl'),
    ],
    owned: eq(reviewSeries.source, 'file'),
  },
  {
    entity: 'goal',
    table: goals,
    keyColumns: ['relationshipId', 'id'],
    key: (row) => String(row.id),
    fields: [field('title')],
    owned: eq(goals.source, 'file'),
  },
  {
    entity: 'issue list',
    table: issueLists,
    keyColumns: ['relationshipId'],
    key: (row) => String(row.relationshipId),
    fields: [
      field('publish.rrule', 'publishRrule'),
      field('publish.at', 'publishAt'),
      field('debounce', 'debounceSeconds', nullable(formatDuration)),
    ],
  },
  {
    entity: 'role',
    table: roles,
    keyColumns: ['relationshipId', 'role', 'scope', 'personId'],
    key: (row) => `${row.scope}/${row.role}/${row.personId}`,
    fields: [],
  },
];

/** The rows the file declares, by entity, in file order. */
export function declaredRows(file: GovernanceFile): Map<GovernedEntity, Row[]> {
  const rows = new Map<GovernedEntity, Row[]>(governedTables.map(({ entity }) => [entity, []]));
  const add = (entity: GovernedEntity, row: Row) => rows.get(entity)?.push(row);
  for (const relationship of file.relationships) {
    const relationshipId = relationship.id;
    const role = (name: string, scope: string, personIds: readonly string[]) => {
      for (const personId of personIds) add('role', { relationshipId, role: name, scope, personId });
    };
    add('relationship', relationshipRow(relationship));
    for (const person of relationship.people) {
      add('person', {
        relationshipId,
        id: person.id,
        name: person.name,
        side: person.side,
        slackUserId: person.slack ?? null,
        teamsAadObjectId: person.teams ?? null,
        email: person.email ?? null,
        timezone: person.timezone ?? null,
      });
    }
    const { escalation } = relationship;
    const ladder = (name: string, levels: typeof escalation.levels) =>
      levels.forEach((level, index) => {
        const position = index + 1;
        add('level', {
          relationshipId,
          ladder: name,
          position,
          name: level.name,
          quorum: level.quorum === 'all' ? 0 : level.quorum,
          respondWithinSeconds: level.respond_within,
        });
        role('approver', `${name ? `${name}:` : ''}level:${position}`, level.approvers);
      });
    ladder('', escalation.levels);
    for (const goal of relationship.goals) {
      if (goal.escalation_levels) ladder(`goal:${goal.id}`, goal.escalation_levels);
    }
    role('executive', 'relationship', [escalation.executive]);
    for (const review of relationship.reviews) {
      add('review', {
        relationshipId,
        id: review.id,
        title: review.title,
        rrule: review.rrule ?? null,
        localTime: review.at ?? null,
        startsAt: review.start ? new Date(review.start) : null,
        durationSeconds: review.duration,
        remindBeforeSeconds: review.remind_before,
        joinUrl: review.join_url ?? null,
      });
      role('attendee', `review:${review.id}`, review.attendees);
    }
    for (const goal of relationship.goals) {
      // A goal the governance file declares is agreed: the file is the contract both sides keep.
      add('goal', { relationshipId, id: goal.id, title: goal.title, status: 'agreed' });
      role('owner', `goal:${goal.id}`, [goal.owner]);
    }
    const issueList = relationship.issue_list;
    if (issueList) {
      add('issue list', {
        relationshipId,
        publishRrule: issueList.publish?.rrule ?? null,
        publishAt: issueList.publish?.at ?? null,
        debounceSeconds: issueList.debounce ?? 30,
      });
      role('approver', 'issue_list', issueList.approvers);
      role('stakeholder', 'issue_list', issueList.stakeholders);
    }
    if (relationship.goal_agreement) {
      role('agree', 'goals:client', relationship.goal_agreement.client);
      role('agree', 'goals:provider', relationship.goal_agreement.provider);
    }
  }
  return rows;
}

function relationshipRow(relationship: GovernanceRelationship): Row {
  return {
    id: relationship.id,
    name: relationship.name,
    client: relationship.client,
    provider: relationship.provider,
    timezone: relationship.timezone,
    slackChannel: relationship.channels?.slack ?? null,
    teamsChannel: relationship.channels?.teams ?? null,
    businessHours: relationship.escalation.business_hours ?? null,
    riskAgendaScore: relationship.risks?.agenda_score ?? 12,
  };
}
