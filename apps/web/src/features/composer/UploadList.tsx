import { removeUpload } from '../../realtime/uploads.actions';
import type { UploadItem } from '../../store/uploads.slice';
import { sizeText } from '../messages/MessageFiles';

/**
 * The files going with the next message (B1): each uploading one with a progress bar and
 * Cancel, an uploaded one with Remove, a refused one with the reason (and Remove).
 */
export function UploadList({ roomId, uploads }: { roomId: string; uploads: readonly UploadItem[] }) {
  return (
    <ul className="upload-list" aria-label="Files to send">
      {uploads.map((u) => (
        <li key={u.key} className={`upload-item ${u.status}`}>
          <span className="upload-name" title={u.name}>
            {u.name}
          </span>{' '}
          <span className="upload-size">{sizeText(u.size)}</span>
          {u.status === 'uploading' && (
            <progress
              className="upload-progress"
              max={Math.max(1, u.size)}
              value={u.loaded}
              aria-label={`Uploading ${u.name}`}
            />
          )}
          {u.status === 'failed' && <span className="upload-error">{u.error}</span>}
          <button
            type="button"
            className="link-button upload-remove"
            aria-label={`${u.status === 'uploading' ? 'Cancel upload of' : 'Remove'} ${u.name}`}
            onClick={() => removeUpload(roomId, u.key)}
          >
            {u.status === 'uploading' ? 'Cancel' : 'Remove'}
          </button>
        </li>
      ))}
    </ul>
  );
}
