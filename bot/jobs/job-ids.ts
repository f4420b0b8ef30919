import type { ScheduledTimer } from '../../workflows/core/unit-of-work';

// BullMQ refuses custom job ids that contain ':' or are plain integers.
const safe = (value: string) => value.replaceAll('%', '%25').replaceAll(':', '%3A');

/** The due time is part of the id: moving a timer adds a new job; the old one finds it not due. */
export const timerJobId = (timer: ScheduledTimer) => `timer.${safe(timer.id)}.${timer.dueAt.getTime()}`;

export const deliveryJobId = (outboxId: number) => `outbox.${outboxId}`;
