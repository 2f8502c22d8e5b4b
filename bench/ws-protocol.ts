/** What the harness and the WebSocket clients' process (ws-clients.ts) say to each other over IPC. */
export type WsClientsCommand =
  /** Opens `count` streams to `url`; `greeted`: each counts as open once the server's `connected` frame came. */
  | { readonly cmd: 'connect'; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly count: number; readonly greeted: boolean }
  /** Forgets the receipts so far: the next ones are the measurement's. */
  | { readonly cmd: 'record' }
  | { readonly cmd: 'stats' }
  /** The first copy of each distinct event received since `record` (the baseline replays them). */
  | { readonly cmd: 'frames' }
  | { readonly cmd: 'close' };
export type WsClientsRequest = { readonly id: number } & WsClientsCommand;

/** Receipts since `record`, and the latency (receipt − commit, ms) of each, summarised. */
export interface WsReceipts {
  readonly receipts: number;
  /** Streams open now, and those that received fewer frames than the best one. */
  readonly open: number;
  readonly behind: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export type WsClientsAnswer =
  | { readonly kind: 'connected'; readonly open: number; readonly seconds: number; readonly failures: number; readonly firstFailure: string | null }
  | { readonly kind: 'stats'; readonly stats: WsReceipts }
  | { readonly kind: 'frames'; readonly frames: readonly string[] }
  | { readonly kind: 'ok' };
export type WsClientsReply = { readonly id: number } & WsClientsAnswer;
