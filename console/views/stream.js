import { html, useEffect, useRef, useState } from '../lib/html.js';
import { keepStream } from '../lib/stream-socket.js';
import { ProblemBox } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { StreamTable } from '../components/stream-table.js';

const KEEP = 200;
const LABELS = { connecting: 'Connecting…', open: 'Live', reconnecting: 'Disconnected — reconnecting', closed: 'Disconnected' };

/**
 * Every outcome as it happens (sent, failed, suppressed), newest first; pause keeps the list still.
 * A dropped stream reconnects by itself, and a row marks the time it was away: outcomes then are
 * not in this list (the Notifications view has them).
 */
export function Stream() {
  const [frames, setFrames] = useState([]);
  const [state, setState] = useState({ status: 'connecting', note: null, error: null });
  const [paused, setPaused] = useState(false);
  const stream = useRef(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const add = (frame) => setFrames((f) => [frame, ...f].slice(0, KEEP));
  const connect = () => {
    stream.current?.close();
    stream.current = keepStream({
      onFrame: (frame) => frame.type === 'notification' && !pausedRef.current && add({ ...frame, received_at: new Date() }),
      onState: (status, note = null, error = null) => setState({ status, note, error }),
      onGap: (from, to) => add({ type: 'gap', from, to }),
    });
  };
  useEffect(() => {
    connect();
    return () => stream.current?.close();
  }, []);
  return html`<${Heading} sub="Outcomes of every notification, from the WebSocket stream (a 30 s single-use ticket opens it).">Live stream</${Heading}>
    <div class="toolbar">
      <span class=${`conn conn-${state.status}`} role="status" aria-live="polite">${LABELS[state.status]}${state.note ? `: ${state.note}` : ''}</span>
      <button type="button" aria-pressed=${paused} onClick=${() => setPaused(!paused)}>${paused ? 'Resume' : 'Pause'}</button>
      <button type="button" class="secondary" onClick=${() => setFrames([])} disabled=${frames.length === 0}>Clear</button>
      ${['closed', 'reconnecting'].includes(state.status) ? html`<button type="button" onClick=${() => (state.status === 'closed' ? connect() : stream.current.retryNow())}>Reconnect now</button>` : null}
    </div>
    <${ProblemBox} error=${state.error} title=${state.status === 'closed' ? 'Could not open the stream' : 'The stream is away'} />
    ${frames.length === 0 ? html`<div class="empty">${state.status === 'open' ? 'Waiting for the next outcome…' : 'No outcomes yet.'}</div>` : html`<${StreamTable} frames=${frames} />`}`;
}
