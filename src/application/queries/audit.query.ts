import { AUDIT_ACTIONS, type AuditAction } from '../../domain/audit.js';
import { InvalidValueError } from '../../domain/errors.js';
import type { AuditFilter, AuditPage, AuditReadModel } from '../ports/audit-read-model.js';

export const AUDIT_DEFAULT_SIZE = 20;
export const AUDIT_MAX_SIZE = 100;
/** A numbered page reads every entry before it: at most this many rows deep; deeper, the cursor. */
export const AUDIT_MAX_OFFSET = 10_000;

/** A listing as asked: the filter's action still as text, and a page number or a cursor (not both). */
export interface AuditListing {
  readonly filter: Omit<AuditFilter, 'action'> & { readonly action: string | null };
  readonly page: number | null;
  readonly cursor: string | null;
  readonly size: number | null;
}

const isAction = (raw: string): raw is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(raw);

/** The audit log as GET /admin/audit lists it: newest first, a page at a time (docs/adr/0027-audit-log.md). */
export class AuditQuery {
  constructor(private readonly readModel: AuditReadModel) {}

  async list({ filter, page, cursor, size }: AuditListing): Promise<AuditPage & { readonly size: number }> {
    const pageSize = size ?? AUDIT_DEFAULT_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > AUDIT_MAX_SIZE) throw new InvalidValueError('page_size', `must be an integer from 1 to ${AUDIT_MAX_SIZE}`);
    if (page !== null && cursor !== null) throw new InvalidValueError('cursor', 'give page or cursor, not both');
    if (page !== null && (!Number.isSafeInteger(page) || page < 1 || (page - 1) * pageSize > AUDIT_MAX_OFFSET)) {
      throw new InvalidValueError('page', `must be a whole number from 1, at most ${AUDIT_MAX_OFFSET} rows deep (page_size × (page - 1)); go deeper with the cursor`);
    }
    const { action } = filter;
    if (action !== null && !isAction(action)) throw new InvalidValueError('action', `must be one of ${AUDIT_ACTIONS.join(', ')}`);
    if (filter.from && filter.to && filter.from > filter.to) throw new InvalidValueError('from', 'must not be after to');
    const found = await this.readModel.page({ ...filter, action }, cursor !== null ? { cursor } : { page: page ?? 1 }, pageSize);
    return { ...found, size: pageSize };
  }
}
