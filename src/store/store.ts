// Assemble a Store from a session: the root store (shared connection) or a transaction's store.
import type { Store } from '../domain/ports.ts';
import { availabilityRepository } from './availability.repository.ts';
import { cursorRepository } from './cursor.repository.ts';
import { eventRepository } from './event.repository.ts';
import { feedbackRepository } from './feedback.repository.ts';
import { kvRepository } from './kv.repository.ts';
import { leadRepository } from './lead.repository.ts';
import { noticeRepository } from './notice.repository.ts';
import { offerRepository } from './offer.repository.ts';
import { outboxRepository } from './outbox.repository.ts';
import { partnerRepository } from './partner.repository.ts';
import { planRepository } from './plan.repository.ts';
import { pointsRepository } from './points.repository.ts';
import { quarantineRepository } from './quarantine.repository.ts';
import { runRepository } from './run.repository.ts';
import type { Session } from './session.ts';
import { userRepository } from './user.repository.ts';
import { identityRepository } from './identity.repository.ts';
import { mailRepository } from './mail.repository.ts';
import { viewRepository } from './views.repository.ts';
import { reportRepository } from './report.repository.ts';
import { leaseRepository } from './lease.repository.ts';
import { rateLimitRepository } from './rate-limit.repository.ts';
import { webhookInboxRepository } from './webhook-inbox.repository.ts';

export function storeOn(session: Session, close: () => Promise<void>): Store {
  return {
    leads: leadRepository(session),
    partners: partnerRepository(session),
    users: userRepository(session),
    offers: offerRepository(session),
    feedback: feedbackRepository(session),
    events: eventRepository(session),
    outbox: outboxRepository(session),
    quarantine: quarantineRepository(session),
    cursors: cursorRepository(session),
    runs: runRepository(session),
    kv: kvRepository(session),
    notices: noticeRepository(session),
    availability: availabilityRepository(session),
    points: pointsRepository(session),
    plans: planRepository(session),
    identity: identityRepository(session),
    mail: mailRepository(session),
    views: viewRepository(session),
    reports: reportRepository(session),
    leases: leaseRepository(session),
    rateLimits: rateLimitRepository(session),
    inbox: webhookInboxRepository(session),
    transaction: (fn) => session.transaction((tx) => fn(storeOn(tx, closeInsideTransaction))),
    close,
  };
}

async function closeInsideTransaction(): Promise<void> {
  throw new Error('close() was called on a transaction store: close the root store, after the transaction ends.');
}
