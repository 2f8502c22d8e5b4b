import { type Kysely, sql } from 'kysely';
import type { ChannelRateLimit } from '../../application/ports/rate-limit.js';
import type { Channel } from '../../domain/notification-type.js';
import type { Database } from './database.js';

/**
 * Token buckets in PostgreSQL, one row per channel (channel_rate_buckets): a bucket holds at most
 * one second of sends and refills at the channel's rate, computed from the time since its last
 * refill in the same statement that takes from it (the row lock orders instances taking at once).
 * Clock: the database's `clock_timestamp()`, the one clock every instance shares.
 */
export class PostgresChannelRateLimit implements ChannelRateLimit {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly perSecond: ReadonlyMap<Channel, number>,
  ) {}

  limits(channel: Channel): boolean {
    return this.perSecond.has(channel);
  }

  async take(channel: Channel, wanted: number): Promise<number> {
    const rate = this.perSecond.get(channel);
    if (rate === undefined) return wanted;
    if (wanted <= 0) return 0;
    const granted = await this.takeFrom(channel, rate, wanted);
    if (granted !== null) return granted;
    // The first take ever: the bucket starts full.
    await sql`insert into channel_rate_buckets (channel, tokens, refilled_at) values (${channel}, ${rate}, clock_timestamp()) on conflict (channel) do nothing`.execute(this.db);
    return (await this.takeFrom(channel, rate, wanted)) ?? 0;
  }

  /**
   * One statement: the row is locked by the inner select (a second instance waits, then reads the
   * first one's result), refilled for the time since, and what is granted taken out.
   */
  private async takeFrom(channel: Channel, rate: number, wanted: number): Promise<number | null> {
    const { rows } = await sql<{ granted: number }>`
      update channel_rate_buckets r
      set tokens = s.available - least(floor(s.available), ${wanted}), refilled_at = s.at
      from (select channel, clock_timestamp() as at,
                   least(${rate}::float8, tokens + extract(epoch from clock_timestamp() - refilled_at)::float8 * ${rate}::float8) as available
            from channel_rate_buckets where channel = ${channel} for update) s
      where r.channel = s.channel
      returning least(floor(s.available), ${wanted})::int as granted`.execute(this.db);
    return rows[0]?.granted ?? null;
  }

  async giveBack(channel: Channel, unused: number): Promise<void> {
    const rate = this.perSecond.get(channel);
    if (rate === undefined || unused <= 0) return;
    await sql`update channel_rate_buckets set tokens = least(${rate}::float8, tokens + ${unused}) where channel = ${channel}`.execute(this.db);
  }
}
