import { ChannelFlags, type ChannelFlagValues } from './channel-flags.js';
import { ChannelOverrides, type ChannelOverrideValues } from './channel-overrides.js';
import type { Language } from './language.js';
import { QuietHours } from './quiet-hours.js';
import { isKnownZone } from './zoned-time.js';
import type { TimeZone } from './time-zone.js';

/** A profile's delivery settings as snapshots, events and views carry them. */
export interface DeliverySettingsFields {
  readonly language: Language | null;
  readonly timeZone: TimeZone | null;
  readonly quietHours: { readonly start: string; readonly end: string } | null;
  /** Every channel's flag. */
  readonly channels: ChannelFlagValues;
  readonly overrides: ChannelOverrideValues;
}

/** What a request changes: an absent field keeps what is stored, null clears it (channels: all on again). */
export interface DeliverySettingsChange {
  readonly language?: Language | null;
  readonly timeZone?: TimeZone | null;
  readonly quietHours?: QuietHours | null;
  readonly channels?: ChannelFlags | null;
  readonly overrides?: ChannelOverrides | null;
}

/** How and when a recipient is reached: language, time zone, quiet hours, channel flags and overrides. Immutable. */
export class DeliverySettings {
  static readonly DEFAULT = new DeliverySettings(null, null, null, ChannelFlags.ALL_ON, ChannelOverrides.NONE);

  private constructor(
    readonly language: Language | null,
    readonly timeZone: TimeZone | null,
    readonly quietHours: QuietHours | null,
    readonly channels: ChannelFlags,
    readonly overrides: ChannelOverrides,
  ) {}

  /** As stored; a time zone this Node no longer knows (an IANA update dropped it) reads as none, UTC. */
  static restore(s: DeliverySettingsFields): DeliverySettings {
    const quietHours = s.quietHours && QuietHours.of(s.quietHours.start, s.quietHours.end);
    const timeZone = s.timeZone !== null && isKnownZone(s.timeZone) ? s.timeZone : null;
    return new DeliverySettings(s.language, timeZone, quietHours, ChannelFlags.restore(s.channels), ChannelOverrides.restore(s.overrides));
  }

  changed(change: DeliverySettingsChange): DeliverySettings {
    const kept = <T>(given: T | null | undefined, stored: T | null): T | null => (given === undefined ? stored : given);
    return new DeliverySettings(
      kept(change.language, this.language),
      kept(change.timeZone, this.timeZone),
      kept(change.quietHours, this.quietHours),
      change.channels === undefined ? this.channels : (change.channels ?? ChannelFlags.ALL_ON),
      change.overrides === undefined ? this.overrides : (change.overrides ?? ChannelOverrides.NONE),
    );
  }

  equals(other: DeliverySettings): boolean {
    const sameQuietHours = this.quietHours === null ? other.quietHours === null : this.quietHours.equals(other.quietHours);
    const sameWords = this.language === other.language && this.timeZone === other.timeZone;
    return sameWords && sameQuietHours && this.channels.equals(other.channels) && this.overrides.equals(other.overrides);
  }

  fields(): DeliverySettingsFields {
    const quietHours = this.quietHours && { start: this.quietHours.start, end: this.quietHours.end };
    return { language: this.language, timeZone: this.timeZone, quietHours, channels: this.channels.values(), overrides: this.overrides.values() };
  }
}
