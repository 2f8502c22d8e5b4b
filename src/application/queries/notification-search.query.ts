import { InvalidValueError, NotificationNotFoundError } from '../../domain/errors.js';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import { UserId } from '../../domain/user-id.js';
import type { RenderedContent } from '../ports/channel-sender.js';
import type { NotificationRenderer } from '../ports/notification-renderer.js';
import type { NotificationFilter, NotificationRecord, NotificationSearchReadModel, SearchPage } from '../ports/notification-search.js';
import { type NotificationView, notificationView } from '../ports/read-models.js';

export const SEARCH_DEFAULT_PAGE_SIZE = 20;
export const SEARCH_MAX_PAGE_SIZE = 100;
/** A numbered page reads past every row before it: at most this many; deeper, the cursor (ADR 23). */
export const SEARCH_MAX_OFFSET = 10_000;
/** What a one-time secret (a reset token) renders as in a notification's preview. */
export const REDACTED = '[redacted]';

export interface SearchRequest {
  readonly filter: NotificationFilter;
  /** Numbered pages from 1; null: the first, or the cursor's. */
  readonly page: number | null;
  readonly pageSize: number | null;
  /** next_cursor of the previous page; not with `page`. */
  readonly cursor: string | null;
}

export interface NotificationList extends SearchPage {
  /** The page number asked for (page mode); null in cursor mode. */
  readonly page: number | null;
  readonly pageSize: number;
}

export interface NotificationDetail extends Omit<NotificationRecord, 'snapshot'> {
  readonly view: NotificationView;
  readonly correlationId: string | null;
  /** The template it renders with: its type's. */
  readonly templateKey: string;
  /** As it renders (its template version), one-time secrets redacted; null when it cannot be rendered. */
  readonly rendered: RenderedContent | null;
}

/** Notifications as on-call finds them (ADR 23): filtered, newest first, and one with everything known. */
export class NotificationSearchQuery {
  constructor(
    private readonly readModel: NotificationSearchReadModel,
    private readonly renderer: NotificationRenderer,
  ) {}

  async search(request: SearchRequest): Promise<NotificationList> {
    const filter = await this.checked(request.filter);
    const pageSize = request.pageSize ?? SEARCH_DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > SEARCH_MAX_PAGE_SIZE) throw new InvalidValueError('page_size', `must be an integer from 1 to ${SEARCH_MAX_PAGE_SIZE}`);
    if (request.cursor !== null && request.page !== null) throw new InvalidValueError('cursor', 'give page or cursor, not both');
    const page = request.cursor === null ? (request.page ?? 1) : null;
    if (page !== null && (!Number.isInteger(page) || page < 1 || (page - 1) * pageSize > SEARCH_MAX_OFFSET)) {
      throw new InvalidValueError('page', `must be a whole number from 1, at most ${SEARCH_MAX_OFFSET} rows deep (page_size × (page - 1)); go deeper with the cursor`);
    }
    const found = await this.readModel.search(filter, { limit: pageSize, offset: page === null ? 0 : (page - 1) * pageSize, cursor: request.cursor });
    return { ...found, page, pageSize };
  }

  async detail(notificationId: string): Promise<NotificationDetail> {
    const record = await this.readModel.record(notificationId);
    if (!record) throw new NotificationNotFoundError(notificationId);
    const { snapshot, ...links } = record;
    return { ...links, view: notificationView(snapshot), correlationId: snapshot.correlationId, templateKey: snapshot.type, rendered: await this.rendered(snapshot) };
  }

  private async checked(filter: NotificationFilter): Promise<NotificationFilter> {
    const userId = filter.userId === null ? null : UserId.of(filter.userId).value;
    if (filter.type !== null && !(await this.readModel.types()).includes(filter.type)) throw new InvalidValueError('type', 'is not a notification type (a template key)');
    if (filter.createdFrom !== null && filter.createdTo !== null && filter.createdFrom > filter.createdTo) throw new InvalidValueError('created_from', 'must not be after created_to');
    return { ...filter, userId };
  }

  private async rendered(snapshot: NotificationSnapshot): Promise<RenderedContent | null> {
    const templateVars = { ...snapshot.content.templateVars };
    // Erased once final, or still held: the preview shows neither.
    for (const name of snapshot.secretVariables) templateVars[name] = REDACTED;
    try {
      return await this.renderer.render({ ...snapshot, content: { ...snapshot.content, templateVars } });
    } catch (error) {
      if (error instanceof InvalidValueError) return null;
      throw error;
    }
  }
}
