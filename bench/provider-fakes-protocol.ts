/** What the harness and the provider fakes' process (provider-fakes.ts) say to each other over IPC. */
export type FakeChannel = 'sms' | 'push' | 'webhook';
export type FakesCommand = { readonly cmd: 'reset' } | { readonly cmd: 'stats'; readonly tag: string } | { readonly cmd: 'dump'; readonly tag: string };
export type FakesRequest = { readonly id: number } & FakesCommand;

export interface FakesReady {
  /** SMS_*, PUSH_* and WEBHOOK_* for the service. */
  readonly env: Readonly<Record<string, string>>;
  /** The webhook receiver's origin: any path is a recipient. */
  readonly webhookOrigin: string;
}

/** Accepted messages of one tag on one channel, and the distinct recipients among them. */
export interface FakeCounts {
  readonly accepted: number;
  readonly recipients: number;
}

/** Per recipient of a tag: the first acceptance's time and the number of acceptances. */
export interface FakeDump {
  readonly recipients: string[];
  readonly firstAt: number[];
  readonly times: number[];
}

export type FakesReply = { readonly id: number } & (
  | { readonly kind: 'ok' }
  | { readonly kind: 'stats'; readonly stats: Record<FakeChannel, FakeCounts> }
  | { readonly kind: 'dump'; readonly dump: Record<FakeChannel, FakeDump> }
);
