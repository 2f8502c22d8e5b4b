import { api } from './api.js';

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/**
 * Keeps the admin stream open. Each connection opens with a single-use ticket (POST /ws/tickets,
 * 30 s) in the handshake's URL, because a browser cannot set headers on a WebSocket; the API key
 * itself never goes in a URL. After a drop it connects again with a new ticket, after 1, 2, 4 …
 * at most 30 s, and reports the gap (`onGap(from, to)`): what happened in it was not streamed here.
 * `close()` ends it, also while a ticket or a handshake is on its way (a socket that opens late is
 * closed at once: every stream counts against its key's cap).
 */
export function keepStream({ onFrame, onState, onGap }) {
  let closed = false;
  let socket = null;
  let timer = null;
  let failures = 0;
  let droppedAt = null;
  const again = (note, error = null) => {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** failures++);
    onState('reconnecting', `${note}; trying again in ${Math.round(delay / 1000)} s`, error);
    timer = setTimeout(connect, delay);
  };
  const connect = async () => {
    timer = null;
    onState(droppedAt ? 'reconnecting' : 'connecting');
    let ticket;
    try {
      ({ ticket } = await api('POST', '/ws/tickets', {}));
    } catch (error) {
      if (closed) return;
      // A refused key ends the session (the shell signs out on 401); anything else may pass.
      return error.status === 401 || error.status === 403 ? onState('closed', null, error) : again('no ticket', error);
    }
    if (closed) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws?ticket=${encodeURIComponent(ticket)}`);
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      if (closed) return ws.close(1000);
      opened = true;
      failures = 0;
      if (droppedAt) onGap(droppedAt, new Date());
      droppedAt = null;
      onState('open');
    });
    ws.addEventListener('close', (event) => {
      if (closed || socket !== ws) return;
      socket = null;
      if (opened) droppedAt ??= new Date();
      again(`closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`);
    });
    ws.addEventListener('message', (event) => {
      try {
        onFrame(JSON.parse(event.data));
      } catch {
        // not JSON: the stream sends JSON text frames only
      }
    });
  };
  connect();
  return {
    /** While waiting to reconnect: reconnect now. */
    retryNow() {
      if (closed || timer === null || socket) return;
      clearTimeout(timer);
      connect();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      // A socket still connecting closes in its open handler: closing it now logs an error.
      if (socket?.readyState === WebSocket.OPEN) socket.close(1000);
    },
  };
}
