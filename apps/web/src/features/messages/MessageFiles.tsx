import { filePath, INLINE_IMAGE_TYPES, type Attachment } from '@parley/shared-types';

/** The largest box a preview takes in the log; its exact size comes from the stored dimensions. */
const PREVIEW_MAX_PX = 320;

const units = ['B', 'KB', 'MB', 'GB'] as const;
/** 1.2 MB, 340 KB, 12 B. */
export function sizeText(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const isPreviewed = (a: Attachment) => (INLINE_IMAGE_TYPES as readonly string[]).includes(a.contentType);

/** The box a preview takes, known before it loads (B3), so the log does not jump. */
function previewBox(a: Attachment): { width: number; height: number } | null {
  if (a.width === undefined || a.height === undefined) return null;
  const scale = Math.min(1, PREVIEW_MAX_PX / a.width, PREVIEW_MAX_PX / a.height);
  return { width: Math.max(1, Math.round(a.width * scale)), height: Math.max(1, Math.round(a.height * scale)) };
}

/**
 * A message's files (B4): each a link named by the file name (a download; the server
 * serves nothing else in the page), and safe images (B6) also as a preview whose alt text
 * is the file name.
 */
export function MessageFiles({ attachments }: { attachments: readonly Attachment[] }) {
  return (
    <ul className="message-files">
      {attachments.map((a) => {
        const href = filePath(a.id, a.name);
        const box = isPreviewed(a) ? previewBox(a) : null;
        return (
          <li key={a.id} className="message-file">
            {isPreviewed(a) && (
              <img className="message-image" src={href} alt={a.name} loading="lazy" decoding="async" {...(box ?? {})} />
            )}
            <span className="message-file-line">
              <a href={href} download={a.name} className="message-file-link">
                {a.name}
              </a>{' '}
              <span className="message-file-size">{sizeText(a.size)}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
