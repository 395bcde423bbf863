// The review queue (C4) in the floor's side panel, for supervisors and admins: cameras owners registered, oldest
// first. Selecting one shows it on the map; approve, reject (with a reason) or ask for changes (with a note).
// Everything an owner typed — names, labels, addresses — is shown as text.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/http';
import type { CameraView, ReviewItem } from '../api/cameras';
import './ReviewQueue.css';

interface ReviewQueueProps {
  selectedId: string | undefined;
  onSelect(item: ReviewItem | undefined): void;
  /** A camera was approved (or otherwise decided): the map's cameras have changed. */
  onDecided(): void;
}

type Decision = 'verify' | 'reject' | 'request-changes';

const KIND_NAMES: Record<string, string> = { doorbell: 'Doorbell', fixed: 'Fixed', dome: 'Dome', ptz: 'PTZ', cctv: 'CCTV', traffic: 'Traffic' };
const OWNER_KINDS: Record<string, string> = { resident: 'Resident', business: 'Business', nonprofit: 'Nonprofit', religious: 'Place of worship', apartment_commercial: 'Apartment / commercial' };
const messageOf = (err: unknown) => (err instanceof ApiError ? err.detail : String(err));
const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export function cameraName(c: CameraView): string {
  return c.label ?? `${KIND_NAMES[c.kind] ?? c.kind} camera`;
}

export function ReviewQueue({ selectedId, onSelect, onDecided }: ReviewQueueProps) {
  const [items, setItems] = useState<ReviewItem[]>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await api.get<{ items: ReviewItem[] }>('/api/v1/cameras/review-queue')).items);
      setError(undefined);
    } catch (err) {
      setError(`The review queue could not be loaded: ${messageOf(err)}`);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const decided = (item: ReviewItem, decision: Decision) => {
    const name = cameraName(item.camera);
    setStatus(decision === 'verify' ? `Approved: ${name}.` : decision === 'reject' ? `Rejected: ${name}.` : `Changes asked for: ${name}.`);
    setItems((list) => list?.filter((i) => i.camera.id !== item.camera.id));
    onSelect(undefined);
    onDecided();
  };

  return (
    <section aria-labelledby="review-title" className="review-queue">
      <div className="section-head">
        <h2 id="review-title">
          Review queue
          {items && <span className="count">{items.length}</span>}
        </h2>
        <button type="button" className="button-link refresh" onClick={() => void load()} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      <div aria-live="polite">{status && <p className="message message-status queue-status">{status}</p>}</div>
      {error && (
        <p role="alert" className="message message-alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && <p className="empty">No cameras are waiting for review.</p>}
      {items && items.length > 0 && (
        <ul className="queue">
          {items.map((item) => (
            <QueueItem
              key={item.camera.id}
              item={item}
              selected={item.camera.id === selectedId}
              onSelect={() => onSelect(item.camera.id === selectedId ? undefined : item)}
              onDecided={(d) => decided(item, d)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

interface QueueItemProps {
  item: ReviewItem;
  selected: boolean;
  onSelect(): void;
  onDecided(decision: Decision): void;
}

function QueueItem({ item, selected, onSelect, onDecided }: QueueItemProps) {
  const { camera, owner } = item;
  const [asking, setAsking] = useState<'reject' | 'request-changes'>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const reasonId = useId();
  const name = cameraName(camera);

  useEffect(() => {
    if (asking) reasonRef.current?.focus();
  }, [asking]);

  async function decide(decision: Decision, body: object = {}) {
    setBusy(true);
    setError(undefined);
    try {
      await api.post<CameraView>(`/api/v1/cameras/${camera.id}/${decision}`, body);
      onDecided(decision);
    } catch (err) {
      setBusy(false);
      setError(messageOf(err));
    }
  }

  function sendReason(event: FormEvent) {
    event.preventDefault();
    if (!asking) return;
    if (reason.trim().length < 3) {
      setError(asking === 'reject' ? 'Write the reason the owner will receive (at least 3 characters).' : 'Write what the owner should change (at least 3 characters).');
      reasonRef.current?.focus();
      return;
    }
    void decide(asking, { reason: reason.trim() });
  }

  const facts = [KIND_NAMES[camera.kind] ?? camera.kind, camera.tier === 'integrated' ? 'Integrated (live view)' : 'Registered', `${Math.round(camera.rangeM)} m`, `${camera.retentionDays} days kept`];
  return (
    <li className={selected ? 'queue-item selected' : 'queue-item'}>
      <button type="button" className="queue-select" aria-expanded={selected} onClick={onSelect}>
        <span className="queue-name">{name}</span>
        <span className="queue-meta">{facts.join(' · ')}</span>
        {camera.address && <span className="queue-meta">{camera.address}</span>}
        <span className="queue-owner">
          {owner ? (
            <>
              {owner.name ?? 'Owner details erased'}
              {' · '}
              {OWNER_KINDS[owner.kind] ?? owner.kind}
              {owner.organization ? ` (${owner.organization})` : ''}
            </>
          ) : (
            'No owner on file'
          )}
        </span>
        <span className="queue-time">
          Registered <time dateTime={camera.createdAt}>{when(camera.createdAt)}</time>
          {camera.changesRequested && <span className="queue-flag"> · changes asked for</span>}
        </span>
      </button>
      {selected && (
        <div className="queue-detail">
          {owner && (
            <p className="queue-contact">
              <span className="muted">Contact: </span>
              {owner.email}
              {owner.phone && (
                <>
                  {' · '}
                  <span className="nowrap">{owner.phone}</span>
                </>
              )}
            </p>
          )}
          {camera.reviewNote && (
            <p className="queue-contact">
              <span className="muted">Earlier note: </span>
              {camera.reviewNote}
            </p>
          )}
          {error && (
            <p role="alert" className="message message-alert">
              {error}
            </p>
          )}
          {asking ? (
            <form onSubmit={sendReason} className="reason-form">
              <label htmlFor={reasonId}>{asking === 'reject' ? 'Reason the owner will receive' : 'What should the owner change?'}</label>
              <textarea id={reasonId} ref={reasonRef} rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
              <div className="queue-actions">
                <button type="submit" className={asking === 'reject' ? 'button-danger' : 'button-primary'} disabled={busy}>
                  {busy ? 'Sending…' : asking === 'reject' ? 'Reject camera' : 'Send request'}
                </button>
                <button
                  type="button"
                  className="button-secondary"
                  disabled={busy}
                  onClick={() => {
                    setAsking(undefined);
                    setReason('');
                    setError(undefined);
                  }}
                >
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <div className="queue-actions">
              <button type="button" className="button-primary" onClick={() => void decide('verify')} disabled={busy}>
                {busy ? 'Approving…' : 'Approve'}
              </button>
              <button type="button" className="button-secondary" onClick={() => setAsking('reject')} disabled={busy}>
                Reject
              </button>
              <button type="button" className="button-secondary" onClick={() => setAsking('request-changes')} disabled={busy}>
                Ask for changes
              </button>
            </div>
          )}
        </div>
      )}
    </li>
  );
}
