/**
 * The governance file of the reminders bench: one relationship, one one-off review per reminder,
 * each with one Slack attendee and `remind_before: [1h]`, so reminder i is due at `dueAt(i)` and
 * its meeting starts an hour later (its start and end timers stay out of the measured window).
 */
const REMIND_BEFORE_MS = 3_600_000;
/** Attendees rotate over this many Slack users (one relationship holds them all). */
const PEOPLE = 100;

export type ReminderPlan = {
  count: number;
  /** When the first reminder is due (epoch ms); the others follow evenly over `windowMs`. */
  firstDueAt: number;
  windowMs: number;
  /**
   * Reminders due before the measured ones (evenly over 10 s, ending 20 s before the first), not
   * counted: they warm the bots' code and connections, as a bot that has been running has them.
   */
  warmup: number;
};

const WARMUP_SPAN_MS = 10_000;
const WARMUP_GAP_MS = 20_000;
const warmupDueAt = (plan: ReminderPlan, i: number) =>
  plan.firstDueAt - WARMUP_GAP_MS - WARMUP_SPAN_MS + Math.floor((i * WARMUP_SPAN_MS) / plan.warmup);

export const dueAt = (plan: ReminderPlan, i: number) =>
  plan.firstDueAt + Math.floor((i * plan.windowMs) / plan.count);

const pad = (i: number) => String(i).padStart(5, '0');
export const reviewTitle = (i: number) => `Bench reminder ${pad(i)}`;
export const attendeeSlackId = (i: number) => `U0B${pad(i % PEOPLE)}`;

/** Which reminder a reminder DM's text is about; undefined for any other text. */
export function parseDm(text: string): number | undefined {
  const match = /^Bench reminder (\d+) starts/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function governanceYaml(plan: ReminderPlan): string {
  const people = Array.from(
    { length: PEOPLE },
    (_, i) =>
      `      - { id: p${pad(i)}, name: Person ${pad(i)}, side: client, slack: ${attendeeSlackId(i)} }`,
  );
  const review = (id: string, title: string, due: number, i: number) =>
    `      - { id: ${id}, title: ${title}, start: "${new Date(due + REMIND_BEFORE_MS).toISOString()}", ` +
    `duration: 30m, attendees: [p${pad(i % PEOPLE)}], remind_before: [1h] }`;
  const reviews = [
    ...Array.from({ length: plan.warmup }, (_, i) =>
      review(`w${pad(i)}`, `Bench warm-up ${pad(i)}`, warmupDueAt(plan, i), i),
    ),
    ...Array.from({ length: plan.count }, (_, i) => review(`r${pad(i)}`, reviewTitle(i), dueAt(plan, i), i)),
  ];
  return [
    'relationships:',
    '  - id: bench',
    '    name: Reminder bench',
    '    client: Client',
    '    provider: Provider',
    '    timezone: Europe/London',
    '    people:',
    ...people,
    '    escalation:',
    `      executive: p${pad(0)}`,
    `      levels: [{ name: Delivery, approvers: [p${pad(0)}], respond_within: 4h }]`,
    '    reviews:',
    ...reviews,
    '',
  ].join('\n');
}
