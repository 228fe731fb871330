import {
  DomainError,
  findLead,
  UNCLASSIFIED,
  type Actor,
  type CommandMeta,
  type IncidentState,
  type PolicyRegistry,
} from '@engine/domain';
import { deriveEventId } from '@engine/event-store';
import type { CustomerReader } from '@engine/platform';
import type { FollowerLogger } from '@engine/read-models';
import type { DirectoryFreshness } from '../feed/directory-freshness';
import { parseEmail, type ParsedEmail } from '../parsing/email-message';
import { readSubject } from '../parsing/subject';
import type {
  DirectoryLead,
  IntakeDirectoryStore,
  Thread,
} from '../storage/intake-directory.store';
import type {
  IntakeChannel,
  IntakeLogStore,
  IntakeOutcome,
  MessageRecord,
} from '../storage/intake-log.store';
import { descriptionOf, replyOf } from './intake-text';
import type { IntakeAnswer, IntakeCommandOptions, IntakeCommandPort } from './intake.ports';

type Decision = Pick<MessageRecord, 'outcome' | 'incidentId' | 'number' | 'reason'>;

const refused = (reason: string, thread?: Thread): Decision => ({
  outcome: 'refused',
  reason,
  incidentId: thread?.incidentId ?? null,
  number: thread?.number ?? null,
});

const numberOf = (state: IncidentState): string | null =>
  state.status === 'none' ? null : state.number;

/** A reopen refused for these reasons becomes a new incident that points at the old one. */
const FOLLOW_UP_CODES = new Set(['reopen-window-passed', 'reopen-not-allowed']);

/**
 * Email in: who wrote (a trained lead of a customer whose plan takes email), what about (an
 * incident named by a thread header or a subject tag, or a new one), and the command that
 * follows. The decider judges every command; its refusals are outcomes, logged with the code.
 */
export class EmailIntake {
  constructor(
    private readonly commands: IntakeCommandPort,
    private readonly directory: IntakeDirectoryStore,
    private readonly log: IntakeLogStore,
    private readonly freshness: DirectoryFreshness,
    private readonly customers: CustomerReader,
    private readonly policies: PolicyRegistry,
    private readonly logger: FollowerLogger,
  ) {}

  /** @throws EmailRejectedError (malformed, no From); store errors propagate (retry later). */
  async receive(raw: Buffer, via: IntakeChannel): Promise<IntakeAnswer> {
    const receivedAt = new Date().toISOString();
    const email = await parseEmail(raw);
    const known = await this.log.findMessage(email.messageId);
    if (known) return { ...answerOf(known), duplicate: true };
    const decision = await this.decide(email);
    const stored = await this.log.recordMessage({
      messageId: email.messageId,
      receivedAt,
      via,
      from: email.from,
      subject: email.subject,
      attachments: email.attachments,
      ...decision,
    });
    if (stored.incidentId && stored.outcome !== 'refused')
      await this.directory.recordMessageId(email.messageId, stored.incidentId, 'received');
    const line = `email ${email.messageId} from ${email.from} via ${via}`;
    if (stored.outcome === 'refused') this.logger.warn(`${line}: refused (${stored.reason})`);
    else this.logger.log(`${line}: ${stored.outcome} ${stored.number ?? stored.incidentId}`);
    return answerOf(stored);
  }

  private async decide(email: ParsedEmail): Promise<Decision> {
    // An out-of-office answer to a notification must not count as the customer's reply.
    if (email.automatic) return refused('auto-reply');
    await this.freshness.waitUntilCurrent();
    // Decided now, after the wait: a command never predates what the stream already holds.
    const now = new Date().toISOString();
    const leads = await this.directory.leadsByEmail(email.from);
    if (leads.length === 0) return refused('unknown-sender');
    const subject = readSubject(email.subject);
    const byHeader = await this.directory.incidentOfMessageIds(
      [...email.inReplyTo, ...email.references].slice(0, 100),
    );
    const thread = byHeader
      ? await this.directory.threadById(byHeader)
      : subject.incidentNumber
        ? await this.directory.threadByNumber(subject.incidentNumber)
        : null;
    if (!thread && (byHeader || subject.incidentNumber)) return refused('unknown-incident');
    if (thread) return this.answerThread(email, thread, leads, now);
    return this.openNew(email, leads, now, null);
  }

  private async openNew(
    email: ParsedEmail,
    leads: readonly DirectoryLead[],
    now: string,
    related: Thread | null,
  ): Promise<Decision> {
    const trained = leads.filter((lead) => lead.trained);
    const candidates = trained.length > 0 ? trained : leads;
    if (new Set(candidates.map((lead) => lead.customerId)).size > 1)
      return refused('ambiguous-sender');
    const lead = candidates[0];
    const subject = readSubject(email.subject);
    const incidentId = deriveEventId('email-intake', email.messageId, 0);
    const description = related ? replyOf(email) || '(no text)' : descriptionOf(email);
    try {
      const state = await this.commands.open(
        {
          incidentId,
          customerId: lead.customerId,
          kind: 'incident',
          severity: subject.severity ?? 3,
          category: UNCLASSIFIED,
          title: subject.title,
          description,
          channel: 'email',
          relatedIncidentId: related?.incidentId ?? null,
          source: {
            messageId: email.messageId,
            from: email.from,
            attachments: email.attachments.map(({ filename, contentType, size }) => ({
              filename,
              contentType,
              size,
            })),
          },
        },
        { now, actor: actorOf(lead) },
        optionsOf(email, 'open'),
      );
      return { outcome: 'opened', reason: null, incidentId, number: numberOf(state) };
    } catch (error) {
      if (error instanceof DomainError) return refused(error.code);
      throw error;
    }
  }

  private async answerThread(
    email: ParsedEmail,
    thread: Thread,
    leads: readonly DirectoryLead[],
    now: string,
  ): Promise<Decision> {
    const lead = leads.find((candidate) => candidate.customerId === thread.customerId) ?? leads[0];
    const refusal = await this.emailRefusal(lead, email.from);
    if (refusal) return refused(refusal, thread);
    const message = replyOf(email);
    if (message === '') return refused('empty-message', thread);
    const meta: CommandMeta = { now, actor: actorOf(lead) };
    const decided = (outcome: IntakeOutcome, state: IncidentState): Decision => ({
      outcome,
      reason: null,
      incidentId: thread.incidentId,
      number: numberOf(state) ?? thread.number,
    });
    try {
      try {
        const state = await this.commands.send(
          thread.incidentId,
          { type: 'ReplyAsCustomer', data: { message }, meta },
          optionsOf(email, 'reply'),
        );
        return decided('replied', state);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'incident-closed') throw error;
      }
      try {
        const state = await this.commands.send(
          thread.incidentId,
          { type: 'Reopen', data: { message }, meta },
          optionsOf(email, 'reopen'),
        );
        return decided('reopened', state);
      } catch (error) {
        if (!(error instanceof DomainError) || !FOLLOW_UP_CODES.has(error.code)) throw error;
      }
      // Too late to reopen: the customer's words become a new incident pointing at the old one.
      return await this.openNew(email, [lead], now, thread);
    } catch (error) {
      if (error instanceof DomainError) return refused(error.code, thread);
      throw error;
    }
  }

  /**
   * What the decider does not judge for replies: the sender is still a trained lead with this
   * address (read from the customer's stream, not the directory) and the plan takes email.
   */
  private async emailRefusal(lead: DirectoryLead, from: string): Promise<string | null> {
    const { state } = await this.customers.read(lead.customerId);
    if (state.status !== 'registered') return 'unknown-sender';
    const current = findLead(state, lead.userId);
    if (!current || current.email.toLowerCase() !== from) return 'unknown-sender';
    if (!current.trained) return 'lead-not-trained';
    const plan = this.policies.current.plans[state.plan];
    if (!plan?.channels.includes('email')) return 'channel-not-allowed';
    return null;
  }
}

const actorOf = (lead: DirectoryLead): Actor => ({
  id: lead.userId,
  role: 'customer-lead',
  org: lead.customerId,
});

/** Command ids from the Message-ID: a redelivered message never records twice. */
const optionsOf = (email: ParsedEmail, step: string): IntakeCommandOptions => ({
  commandId: `email-${step}:${email.messageId}`,
  correlationId: `email:${email.messageId}`,
});

const answerOf = (record: MessageRecord): IntakeAnswer => ({
  outcome: record.outcome,
  messageId: record.messageId,
  ...(record.incidentId ? { incidentId: record.incidentId } : {}),
  ...(record.number ? { number: record.number } : {}),
  ...(record.reason ? { reason: record.reason } : {}),
});
