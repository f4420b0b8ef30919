import { z } from 'zod';
import { checkRecurrenceRule } from '../reviews/occurrences';
import { isClockTime, isTimeZone, parseDays, parseDuration } from './governance-values';

// Every object is strict: a misspelt key is an error rather than a setting silently ignored.

const slug = z
  .string()
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    'must be a slug of lowercase letters, digits and hyphens, like acme-globex',
  );

const text = z.string().trim().min(1, 'must not be empty');

const personRef = z.string().min(1, 'must be the id of a person of this relationship');

const timezone = z.string().refine(isTimeZone, {
  error: (issue) => `unknown time zone "${String(issue.input)}": use an IANA name like Europe/London`,
});

const durationMessage = 'must be a duration: a number and a unit s, m, h, d or w (30s, 15m, 4h, 2d, 1w)';
const duration = z
  .string({ error: durationMessage })
  .refine((value) => parseDuration(value) !== undefined, durationMessage)
  .transform((value) => parseDuration(value) as number);

const clockTime = z
  .string({ error: 'must be a time "HH:MM" in quotes, like "09:00"' })
  .refine(isClockTime, 'must be a time "HH:MM" on a 24-hour clock, like "09:00" or "17:30"');

const rrule = z.string().superRefine((value, ctx) => {
  const problem = checkRecurrenceRule(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const days = z
  .string()
  .refine((value) => parseDays(value) !== undefined, 'must be week days like mon-fri or mon,wed,fri')
  .transform((value) => parseDays(value) as number[]);

const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD (from the profile: Copy member ID)');

const teamsObjectId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be the Entra (AAD) object id of the user, like 7b0b0000-0000-4000-8000-0000000000b0',
  );

const personSchema = z.strictObject({
  id: slug,
  name: text,
  side: z.enum(['client', 'provider'], { error: 'must be client or provider' }),
  slack: slackUserId.optional(),
  teams: teamsObjectId.optional(),
  email: z.email({ error: 'must be an email address like alice@acme.example' }).optional(),
  timezone: timezone.optional(),
});

const levelSchema = z.strictObject({
  name: text,
  approvers: z.array(personRef),
  quorum: z
    .union([z.literal('all'), z.number()], { error: 'must be a number of approvals, or "all"' })
    .refine((value) => value === 'all' || (Number.isInteger(value) && value > 0), {
      error: 'must be a whole number of approvals of at least 1, or "all"',
    })
    .default(1),
  respond_within: duration,
});

const businessHoursSchema = z
  .strictObject({ days, from: clockTime, to: clockTime })
  .refine((hours) => !hours.from || !hours.to || hours.from < hours.to, {
    error: 'must end after from (hours that cross midnight are not supported)',
    path: ['to'],
  });

const escalationSchema = z.strictObject({
  executive: personRef,
  levels: z.array(levelSchema).min(1, 'list at least one level'),
  business_hours: businessHoursSchema.optional(),
});

const goalSchema = z.strictObject({
  id: slug,
  title: text,
  owner: personRef,
  /** Escalations about this goal climb these levels instead of the relationship's. */
  escalation_levels: z
    .array(levelSchema)
    .min(1, 'list at least one level, or leave escalation_levels out')
    .optional(),
});

const reviewSchema = z
  .strictObject({
    id: slug,
    title: text,
    rrule: rrule.optional(),
    at: clockTime.optional(),
    start: z.iso
      .datetime({ offset: true, error: 'must be an ISO instant with a zone, like 2027-01-12T14:00:00Z' })
      .optional(),
    duration,
    attendees: z.array(personRef).min(1, 'list at least one attendee'),
    remind_before: z.array(duration).default([]),
    join_url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) link to join the meeting' })
      .optional(),
  })
  .superRefine((review, ctx) => {
    const recurring = review.rrule !== undefined || review.at !== undefined;
    if (review.start !== undefined && recurring) {
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: 'use either rrule and at (a recurring meeting) or start (a one-off meeting), not both',
      });
    } else if (review.start === undefined && !recurring) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'needs rrule and at (a recurring meeting) or start (a one-off meeting)',
      });
    } else if (recurring && review.at === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['at'],
        message: 'is required with rrule: the local time, like "10:00"',
      });
    } else if (recurring && review.rrule === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rrule'],
        message: 'is required with at, like FREQ=WEEKLY;BYDAY=TU',
      });
    }
  });

const issueListSchema = z.strictObject({
  approvers: z.array(personRef).default([]),
  stakeholders: z.array(personRef).default([]),
  publish: z.strictObject({ rrule, at: clockTime }).optional(),
  debounce: duration.optional(),
});

const goalAgreementSchema = z.strictObject({
  client: z.array(personRef).min(1, 'name at least one person who agrees goals for the client'),
  provider: z.array(personRef).min(1, 'name at least one person who agrees goals for the provider'),
});

const risksSchema = z.strictObject({
  agenda_score: z
    .number({ error: 'must be a score from 1 to 25 (likelihood x impact)' })
    .int('must be a whole number from 1 to 25')
    .min(1, 'must be from 1 to 25')
    .max(25, 'must be from 1 to 25')
    .default(12),
});

const channelsSchema = z.strictObject({
  slack: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id like C0123ABCD')
    .optional(),
  teams: z
    .string()
    .regex(/^19:\S+$/, 'must be a Teams channel conversation id like "19:...@thread.tacv2"')
    .optional(),
});

const relationshipSchema = z.strictObject({
  id: slug,
  name: text,
  client: text,
  provider: text,
  timezone,
  channels: channelsSchema.optional(),
  people: z.array(personSchema).min(1, 'list at least one person'),
  escalation: escalationSchema,
  goals: z.array(goalSchema).default([]),
  reviews: z.array(reviewSchema).default([]),
  issue_list: issueListSchema.optional(),
  goal_agreement: goalAgreementSchema.optional(),
  risks: risksSchema.optional(),
});

export const governanceSchema = z.strictObject({
  relationships: z.array(relationshipSchema),
});

export type GovernanceFile = z.output<typeof governanceSchema>;
export type GovernanceRelationship = GovernanceFile['relationships'][number];
export type GovernancePerson = GovernanceRelationship['people'][number];

/** Every key the file may use, to suggest the intended one for a typo. */
export const knownKeys: readonly string[] = [
  ...new Set(
    [
      governanceSchema,
      relationshipSchema,
      channelsSchema,
      personSchema,
      escalationSchema,
      levelSchema,
      businessHoursSchema,
      goalSchema,
      reviewSchema,
      issueListSchema,
      goalAgreementSchema,
      risksSchema,
    ].flatMap((schema) => Object.keys(schema.shape)),
  ),
];
