import { html, useEffect, useRef, useState } from '../lib/html.js';
import { openStream } from '../lib/stream-socket.js';
import { ProblemBox } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { StreamTable } from '../components/stream-table.js';

const KEEP = 200;

/** Every outcome as it happens (sent, failed, suppressed), newest first; pause keeps the list still. */
export function Stream() {
  const [frames, setFrames] = useState([]);
  const [state, setState] = useState({ status: 'idle', note: null, error: null });
  const [paused, setPaused] = useState(false);
  const socket = useRef(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const connect = () => {
    socket.current?.close(1000);
    setState({ status: 'connecting', note: null, error: null });
    openStream({
      onFrame: (frame) => frame.type === 'notification' && !pausedRef.current && setFrames((f) => [{ ...frame, received_at: new Date() }, ...f].slice(0, KEEP)),
      onState: (status, note = null) => setState({ status, note, error: null }),
    }).then(
      (s) => (socket.current = s),
      (error) => setState({ status: 'closed', note: null, error }),
    );
  };
  useEffect(() => {
    connect();
    return () => socket.current?.close(1000);
  }, []);
  const label = { idle: 'Not connected', connecting: 'Connecting…', open: 'Live', closed: 'Disconnected' }[state.status];
  return html`<${Heading} sub="Outcomes of every notification, from the WebSocket stream (a 30 s single-use ticket opens it).">Live stream</${Heading}>
    <div class="toolbar">
      <span class=${`conn conn-${state.status}`} role="status" aria-live="polite">${label}${state.note ? `: ${state.note}` : ''}</span>
      <button type="button" aria-pressed=${paused} onClick=${() => setPaused(!paused)}>${paused ? 'Resume' : 'Pause'}</button>
      <button type="button" class="secondary" onClick=${() => setFrames([])} disabled=${frames.length === 0}>Clear</button>
      ${state.status === 'closed' ? html`<button type="button" onClick=${connect}>Reconnect</button>` : null}
    </div>
    <${ProblemBox} error=${state.error} title="Could not open the stream" />
    ${frames.length === 0 ? html`<div class="empty">${state.status === 'open' ? 'Waiting for the next outcome…' : 'No outcomes yet.'}</div>` : html`<${StreamTable} frames=${frames} />`}`;
}
