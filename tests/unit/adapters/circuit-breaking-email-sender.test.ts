import { expect } from 'chai';
import { CircuitBreakingEmailSender, type CircuitStateName } from '../../../src/adapters/email/circuit-breaking-email-sender.js';
import type { EmailSender, OutgoingEmail, SendOutcome } from '../../../src/application/ports/email-sender.js';

const EMAIL: OutgoingEmail = { to: 'a@example.com', subject: 's', html: '<p>h</p>', text: 't', messageId: '<1@example.com>', headers: {} };
const REFUSED: SendOutcome = { kind: 'transient', error: 'connect ECONNREFUSED', response: null };
const BUSY: SendOutcome = { kind: 'transient', error: 'mailbox busy', response: '450 busy' };
const OK: SendOutcome = { kind: 'accepted', response: '250 queued' };

class ScriptedSender implements EmailSender {
  calls = 0;
  constructor(public next: SendOutcome) {}
  async send(): Promise<SendOutcome> {
    this.calls += 1;
    return this.next;
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CircuitBreakingEmailSender', () => {
  const breaker = (inner: EmailSender, changes: CircuitStateName[] = []) =>
    new CircuitBreakingEmailSender(inner, { failuresToOpen: 3, halfOpenAfterMs: 40 }, (s) => changes.push(s));

  it('passes outcomes through while the provider answers', async () => {
    const inner = new ScriptedSender(OK);
    const sender = breaker(inner);
    expect(await sender.send(EMAIL)).to.deep.equal(OK);
    inner.next = BUSY;
    for (let i = 0; i < 5; i++) expect(await sender.send(EMAIL)).to.deep.equal(BUSY);
    expect(sender.state).to.equal('closed');
  });

  it('opens after consecutive unreachable-provider failures and defers sends without trying them', async () => {
    const inner = new ScriptedSender(REFUSED);
    const changes: CircuitStateName[] = [];
    const sender = breaker(inner, changes);
    for (let i = 0; i < 3; i++) expect(await sender.send(EMAIL)).to.deep.equal(REFUSED);
    expect(sender.state).to.equal('open');
    const deferred = await sender.send(EMAIL);
    expect(deferred.kind).to.equal('deferred');
    expect(inner.calls).to.equal(3);
    expect(changes).to.deep.equal(['open']);
  });

  it('lets one probe through after the open period and closes when it succeeds', async () => {
    const inner = new ScriptedSender(REFUSED);
    const changes: CircuitStateName[] = [];
    const sender = breaker(inner, changes);
    for (let i = 0; i < 3; i++) await sender.send(EMAIL);
    await wait(50);
    expect(sender.state).to.equal('half_open');
    inner.next = OK;
    expect(await sender.send(EMAIL)).to.deep.equal(OK);
    expect(sender.state).to.equal('closed');
    expect(changes).to.deep.equal(['open', 'half_open', 'closed']);
  });

  it('opens again when the probe fails', async () => {
    const inner = new ScriptedSender(REFUSED);
    const sender = breaker(inner);
    for (let i = 0; i < 3; i++) await sender.send(EMAIL);
    await wait(50);
    expect(await sender.send(EMAIL)).to.deep.equal(REFUSED);
    expect(sender.state).to.equal('open');
    expect((await sender.send(EMAIL)).kind).to.equal('deferred');
  });

  it('does not count an ambiguous send or a permanent refusal against the provider', async () => {
    const inner = new ScriptedSender({ kind: 'ambiguous', error: 'connection closed after DATA', response: null });
    const sender = breaker(inner);
    for (let i = 0; i < 5; i++) await sender.send(EMAIL);
    inner.next = { kind: 'permanent', error: 'no such user', response: '550 no' };
    for (let i = 0; i < 5; i++) await sender.send(EMAIL);
    expect(sender.state).to.equal('closed');
  });
});
