import { api } from './api.js';

/**
 * Opens the admin stream: a single-use ticket (POST /ws/tickets, 30 s) in the handshake's URL,
 * because a browser cannot set headers on a WebSocket; the API key itself never goes in a URL.
 */
export async function openStream({ onFrame, onState }) {
  onState('connecting');
  const { ticket } = await api('POST', '/ws/tickets', {});
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/ws?ticket=${encodeURIComponent(ticket)}`);
  socket.addEventListener('open', () => onState('open'));
  socket.addEventListener('close', (event) => onState('closed', event.code === 1000 ? null : `closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`));
  socket.addEventListener('message', (event) => {
    try {
      onFrame(JSON.parse(event.data));
    } catch {
      // not JSON: the stream sends JSON text frames only
    }
  });
  return socket;
}
