import { InvalidValueError, NotificationNotFoundError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import type { HistoryPage, HistoryReadModel, NotificationView } from '../ports/read-models.js';

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;

/** A user's notifications, newest first; an unknown user simply has none. */
export class HistoryQuery {
  constructor(private readonly readModel: HistoryReadModel) {}

  async notification(notificationId: string): Promise<NotificationView> {
    const found = await this.readModel.find(notificationId);
    if (!found) throw new NotificationNotFoundError(notificationId);
    return found;
  }

  async ofUser(rawUserId: string, limit = HISTORY_DEFAULT_LIMIT, cursor: string | null = null): Promise<HistoryPage> {
    const userId = UserId.of(rawUserId);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_LIMIT) {
      throw new InvalidValueError('limit', `must be an integer from 1 to ${HISTORY_MAX_LIMIT}`);
    }
    return this.readModel.page(userId.value, limit, cursor);
  }
}
