import { InvalidValueError } from './errors.js';
import { checkEach } from './field-problems.js';
import { CHANNELS, Channel, NotificationType } from './notification-type.js';

export type ChannelOverrideValues = Readonly<Record<NotificationType, Readonly<Partial<Record<Channel, boolean>>>>>;

const MAX_TYPES = 100;

/**
 * Per type and channel, a decision that wins over the type's flag and the channel's flag
 * (`{order_status_update: {push: true}}`). Whether each type exists is the caller's to check.
 */
export class ChannelOverrides {
  static readonly NONE = new ChannelOverrides({});

  private constructor(private readonly byType: ChannelOverrideValues) {}

  /** From a request: well-formed type names, known channels, booleans; a type with no channel is dropped. */
  static of(raw: Readonly<Record<string, unknown>>, field = 'overrides'): ChannelOverrides {
    const entries = Object.entries(raw);
    if (entries.length > MAX_TYPES) throw new InvalidValueError(field, `may name at most ${MAX_TYPES} types`);
    const byType: Record<NotificationType, Partial<Record<Channel, boolean>>> = {};
    checkEach(entries, ([key, channels]) => {
      const type = NotificationType.of(key, `${field}.${key}`);
      if (typeof channels !== 'object' || channels === null || Array.isArray(channels)) throw new InvalidValueError(`${field}.${key}`, 'must map channels to true or false');
      const decisions = channelDecisions(channels as Record<string, unknown>, `${field}.${key}`);
      if (Object.keys(decisions).length > 0) byType[type] = decisions;
    });
    return new ChannelOverrides(byType);
  }

  /** As stored: written by `of`, and a type since deleted keeps its (then unused) overrides. */
  static restore(stored: ChannelOverrideValues): ChannelOverrides {
    return new ChannelOverrides(copy(stored));
  }

  /** The override for that type on that channel; null when there is none. */
  decision(type: NotificationType, channel: Channel): boolean | null {
    return Object.hasOwn(this.byType, type) ? (this.byType[type]?.[channel] ?? null) : null;
  }

  /** The types overridden, to check that each exists. */
  get types(): readonly NotificationType[] {
    return Object.keys(this.byType);
  }

  equals(other: ChannelOverrides): boolean {
    const types = this.types;
    if (types.length !== other.types.length) return false;
    return types.every((type) => CHANNELS.every((channel) => this.decision(type, channel) === other.decision(type, channel)));
  }

  /** Every override (a deep copy). */
  values(): ChannelOverrideValues {
    return copy(this.byType);
  }
}

function channelDecisions(raw: Record<string, unknown>, field: string): Partial<Record<Channel, boolean>> {
  const decisions: Partial<Record<Channel, boolean>> = {};
  checkEach(Object.entries(raw), ([key, value]) => {
    const channel = Channel.of(key, `${field}.${key}`);
    if (typeof value !== 'boolean') throw new InvalidValueError(`${field}.${key}`, 'must be true or false');
    decisions[channel] = value;
  });
  return decisions;
}

function copy(byType: ChannelOverrideValues): ChannelOverrideValues {
  return Object.fromEntries(Object.entries(byType).map(([type, channels]) => [type, { ...channels }]));
}
