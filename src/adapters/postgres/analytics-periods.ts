import { type RawBuilder, sql } from 'kysely';

const MINUTE_MS = 60_000;

/** The grains every outcome is added to, in minutes: its minute, its hour, its (UTC) day. */
export const GRAINS = [1, 60, 1440] as const;
export type Grain = (typeof GRAINS)[number];

export interface Period {
  readonly grain: Grain;
  readonly from: Date;
  readonly to: Date;
}

export function periodStart(at: Date, grain: Grain): Date {
  const size = grain * MINUTE_MS;
  return new Date(Math.floor(at.getTime() / size) * size);
}

function periodCeil(at: Date, grain: Grain): Date {
  const size = grain * MINUTE_MS;
  return new Date(Math.ceil(at.getTime() / size) * size);
}

/**
 * The fewest rows that cover the minutes starting in [from, to): whole days in the middle,
 * whole hours beside them, minutes at the edges. A day-long window reads at most 59 + 23 + 59
 * periods per key, however many notifications it holds.
 */
export function periodsCovering(from: Date, to: Date): Period[] {
  return cover(periodCeil(from, 1), periodCeil(to, 1), GRAINS.length - 1);
}

function cover(from: Date, to: Date, grainIndex: number): Period[] {
  if (from >= to) return [];
  const grain = GRAINS[grainIndex] as Grain;
  if (grainIndex === 0) return [{ grain, from, to }];
  const start = periodCeil(from, grain);
  const end = periodStart(to, grain);
  if (start >= end) return cover(from, to, grainIndex - 1);
  return [...cover(from, start, grainIndex - 1), { grain, from: start, to: end }, ...cover(end, to, grainIndex - 1)];
}

/** `(grain = g and at >= from and at < to) or ...` for the periods' rows. */
export function periodsCondition(periods: readonly Period[]): RawBuilder<unknown> {
  if (periods.length === 0) return sql`false`;
  return sql.join(
    periods.map((p) => sql`(grain = ${p.grain} and at >= ${p.from} and at < ${p.to})`),
    sql` or `,
  );
}
