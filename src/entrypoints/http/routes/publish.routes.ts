import type { Request, Response } from 'express';
import type { FieldError } from '../../../domain/errors.js';
import { type EventToPublish, publishable, receiveRefusal } from '../../amqp/publishable-event.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { PublishEventBody, PublishV1Body, PublishedResponse } from '../operations-schemas.js';
import { Problem } from '../problem.js';
import { idempotencyOf } from './idempotency.js';

const ACCEPTED = 'Notification accepted for processing';
/** Seed 004's body has no subject: a message sent over REST this way is titled so. */
export const V1_PUBLISH_SUBJECT = 'New message';
/** Seed 004's fields, by the payload field each becomes, so that a refusal names the field the caller sent. */
const V1_FIELDS: Readonly<Record<string, string>> = { 'payload.userid': 'recipientId', 'payload.channel': 'type', 'payload.content.body': 'messageBody' };

/** An event the consumer would accept but not act on: an unknown template, variables that do not fit, a user.registered. */
function wouldNotReceive(errors: readonly FieldError[]): Problem {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new Problem(422, 'Event not publishable', `The service would not act on the event: ${fields}`, errors);
}

/** Events published over REST through the outbox, consumed as if they came from the broker (ADR 28). */
export function publishRoutes(api: Api, { bus, callerOf, eventBindings }: HttpDeps): void {
  const publish = async (asked: EventToPublish, res: Response, req: Request, named = (e: FieldError) => e) => {
    if (eventBindings === null) throw new Problem(503, 'No broker', 'No broker is configured (RABBITMQ_URL): nothing would publish the event');
    const correlationId = res.locals.correlationId as string;
    const checked = publishable(asked, eventBindings, correlationId);
    if (!checked.ok) throw checked.status === 400 ? Problem.validation(checked.errors.map(named)) : wouldNotReceive(checked.errors.map(named));
    const { routingKey, eventType, body, event } = checked;
    const idempotency = idempotencyOf(req, callerOf, req.body);
    const { eventId } = await bus.handle({ type: 'PublishEvent', routingKey, eventType, body, event, correlationId, idempotency }).catch((error: unknown) => {
      const refusal = receiveRefusal(error, eventType);
      throw refusal ? wouldNotReceive(refusal.map(named)) : error;
    });
    res.status(202).json({ message: ACCEPTED, event_id: eventId });
  };

  api.route({
    method: 'post',
    path: '/events/publish',
    summary: 'Publish an event the service consumes (checked as its consumer will), through the outbox; Idempotency-Key makes retries safe',
    tag: 'events',
    scope: 'notifications:send',
    body: PublishEventBody,
    responses: {
      202: { description: "Stored in the outbox; the relay publishes it to the service's own queue with this event_id", schema: PublishedResponse },
      422: { description: 'An event the service would not act on (dead-lettered, or not published over REST): each field named' },
      503: { description: 'No broker configured' },
    },
    handle: ({ body }, res, req) => publish({ routingKey: body.routing_key, eventType: body.event_type, payload: body.payload }, res, req),
  });

  api.route({
    method: 'post',
    path: '/api/v1/notifications/publish',
    summary: "Seed 004: send messageBody over channel `type` to user recipientId, published as a request.notification event",
    tag: 'events',
    scope: 'notifications:send',
    body: PublishV1Body,
    responses: {
      202: { description: "Stored in the outbox; the relay publishes it to the service's own queue with this event_id", schema: PublishedResponse },
      422: { description: 'An event the service would not act on (dead-lettered, or not published over REST): each field named' },
      503: { description: 'No broker configured' },
    },
    handle: ({ body }, res, req) => {
      const payload = { userid: body.recipientId, channel: body.type, content: { subject: V1_PUBLISH_SUBJECT, body: body.messageBody } };
      return publish({ routingKey: 'request.notification', eventType: 'request.notification', payload }, res, req, (e) => ({ ...e, field: V1_FIELDS[e.field] ?? e.field }));
    },
  });
}
