import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { RenderedContent } from './channel-sender.js';

/**
 * Renders a notification for its channel: its type's template with its variables, or the wording
 * its sender supplied (subject, body). Throws InvalidValueError naming the variable when a required
 * one is missing or malformed: such a notification can never be sent.
 */
export interface NotificationRenderer {
  render(notification: NotificationSnapshot): RenderedContent;
}
