import { InvalidValueError } from './errors.js';
import { checkEach } from './field-problems.js';
import { CHANNELS, Channel } from './notification-type.js';

export type ChannelFlagValues = Readonly<Record<Channel, boolean>>;

/** One on/off flag per channel, for every type; a channel not named is on. */
export class ChannelFlags {
  static readonly ALL_ON = new ChannelFlags(Object.fromEntries(CHANNELS.map((channel) => [channel, true])) as ChannelFlagValues);

  private constructor(private readonly flags: ChannelFlagValues) {}

  /** From a request: each key a channel, each value a boolean (every bad key reported); the channels it leaves out are on. */
  static of(raw: Readonly<Record<string, unknown>>, field = 'channels'): ChannelFlags {
    const flags: Record<Channel, boolean> = { ...ChannelFlags.ALL_ON.flags };
    checkEach(Object.entries(raw), ([key, value]) => {
      const channel = Channel.of(key, `${field}.${key}`);
      if (typeof value !== 'boolean') throw new InvalidValueError(`${field}.${key}`, 'must be true or false');
      flags[channel] = value;
    });
    return new ChannelFlags(flags);
  }

  /** As stored: a channel missing (added after the row was written) is on; an unknown key is dropped. */
  static restore(stored: Readonly<Record<string, unknown>>): ChannelFlags {
    return new ChannelFlags(Object.fromEntries(CHANNELS.map((channel) => [channel, stored[channel] !== false])) as ChannelFlagValues);
  }

  allows(channel: Channel): boolean {
    return this.flags[channel];
  }

  equals(other: ChannelFlags): boolean {
    return CHANNELS.every((channel) => this.flags[channel] === other.flags[channel]);
  }

  /** Every channel's flag (a copy). */
  values(): ChannelFlagValues {
    return { ...this.flags };
  }
}
