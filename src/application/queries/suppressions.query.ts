import { Channel } from '../../domain/notification-type.js';
import { Suppression } from '../../domain/suppression.js';
import type { SuppressionPage, SuppressionReadModel } from '../ports/suppressions.js';
import { checkPage } from './paging.js';

export const SUPPRESSIONS_DEFAULT_SIZE = 20;
export const SUPPRESSIONS_MAX_SIZE = 100;

export interface SuppressionListFilter {
  readonly channel: string | null;
  /** With a channel, read in the channel's form (an email's domain in any case); without, matched as stored. */
  readonly address: string | null;
}

/** Suppressions as the API lists them: newest first, a page at a time. */
export class SuppressionsQuery {
  constructor(private readonly readModel: SuppressionReadModel) {}

  async list(filter: SuppressionListFilter, page = 1, size = SUPPRESSIONS_DEFAULT_SIZE): Promise<SuppressionPage> {
    checkPage(page, size, SUPPRESSIONS_MAX_SIZE);
    const channel = filter.channel === null ? null : Channel.of(filter.channel);
    const address = channel === null || filter.address === null ? filter.address : Suppression.address(channel, filter.address);
    return this.readModel.page({ channel, address }, page, size);
  }
}
