import type { z } from 'zod';
import type { InboundEvent } from '../../domain/commands.js';
import { DIRECT_MESSAGE_TYPE, NotificationType } from '../../domain/notification-type.js';
import { UserId } from '../../domain/user-id.js';
import type { SCHEMAS } from './event-types.js';

type Generic = z.output<(typeof SCHEMAS)['request.notification']>;
type Requested = Omit<Extract<InboundEvent, { kind: 'NotificationRequested' }>, 'priority' | 'locale' | 'expiresAt' | 'sendAt'>;

/**
 * `request.notification`: any type by its template key, or a sender's own subject and body (the
 * `message` type), on a channel it names or, for a user, on the type's channels as their profile routes them
 * (without a user: email), to a user (their profile's addresses) and/or an address. Unlike the typed events
 * its variables are under `variables`, and either the user or the address may be absent.
 */
export function genericRequest(d: Generic): Requested {
  return {
    kind: 'NotificationRequested',
    notificationType: d.notification_type === undefined ? DIRECT_MESSAGE_TYPE : NotificationType.of(d.notification_type),
    userId: d.userid === undefined ? null : UserId.of(d.userid, 'userid').value,
    channel: d.channel ?? null,
    // Checked as the channel's address when the notification is requested.
    recipient: d.recipient ?? null,
    templateVars: d.variables,
    variablesField: 'variables',
    subject: d.content?.subject ?? null,
    content: d.content?.body ?? null,
  };
}
