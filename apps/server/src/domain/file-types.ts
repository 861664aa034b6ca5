import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { FILE_NAME_MAX, INLINE_IMAGE_TYPES } from '@parley/shared-types';

/*
 * B3, B5, B6: what a file is, decided from its first bytes, never from what the client
 * says. The client's name and declared type only serve to catch a lie: a file that claims
 * to be an image (by its type or its extension) must be one of that kind, and a file whose
 * bytes are an image must not claim another type.
 */

/** Bytes read before deciding: file-type needs 4100; image dimensions sit further in some JPEGs. */
export const SNIFF_BYTES = 128 * 1024;

/** What unrecognised bytes are stored as: served only as a download (B6), never rendered. */
export const UNKNOWN_TYPE = 'application/octet-stream';

export type Sniffed = { contentType: string; width?: number; height?: number };

/** Extensions that claim an image, with the types they may hold. */
const IMAGE_EXTENSIONS: Record<string, readonly string[]> = {
  png: ['image/png', 'image/apng'],
  apng: ['image/apng', 'image/png'],
  jpg: ['image/jpeg'],
  jpeg: ['image/jpeg'],
  jfif: ['image/jpeg'],
  gif: ['image/gif'],
  webp: ['image/webp'],
  bmp: ['image/bmp'],
  avif: ['image/avif'],
  tif: ['image/tiff'],
  tiff: ['image/tiff'],
  ico: ['image/x-icon', 'image/vnd.microsoft.icon'],
  heic: ['image/heic', 'image/heif'],
};

/**
 * Image types no byte signature confirms: SVG is text (XML). Accepted as a claim, stored as
 * unknown bytes, so it is only ever downloaded (B6) and its script never runs.
 */
const UNSNIFFABLE_IMAGE_TYPES = new Set(['image/svg+xml']);

/** Declared types that say nothing (browsers send these for unknown extensions). */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

const isInline = (type: string): boolean => (INLINE_IMAGE_TYPES as readonly string[]).includes(type);

/** A name as stored: the last path segment, without control characters, at most FILE_NAME_MAX code points. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // Controls and bidi overrides could make a name read as something else (`gnp.exe`).
  const visible = base.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  const cut = Array.from(visible).slice(0, FILE_NAME_MAX).join('');
  return cut === '' || cut === '.' || cut === '..' ? 'file' : cut;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * B3: the type the bytes show, or 'mismatch' when the name or the declared type claims
 * what they are not. Images shown inline (B6) carry their dimensions when readable.
 */
export async function sniffFile(head: Uint8Array, name: string, declaredType: string): Promise<Sniffed | 'mismatch'> {
  const found = await fileTypeFromBuffer(head);
  const declared = declaredType.split(';')[0]!.trim().toLowerCase();
  const claimedByName = IMAGE_EXTENSIONS[extensionOf(name)];
  if (claimedByName && !(found && claimedByName.includes(found.mime))) return 'mismatch';
  if (declared.startsWith('image/') && !UNSNIFFABLE_IMAGE_TYPES.has(declared) && found?.mime !== declared) {
    // `image/jpg` is a common misspelling of image/jpeg; the bytes decide anyway.
    if (!(declared === 'image/jpg' && found?.mime === 'image/jpeg')) return 'mismatch';
  }
  if (!found) return { contentType: UNKNOWN_TYPE };
  if (found.mime.startsWith('image/') && !GENERIC_TYPES.has(declared) && !declared.startsWith('image/')) {
    return 'mismatch';
  }
  const sniffed: Sniffed = { contentType: found.mime };
  if (isInline(found.mime)) {
    try {
      const { width, height } = imageSize(head);
      if (width > 0 && height > 0) Object.assign(sniffed, { width, height });
    } catch {
      // Dimensions past the bytes read (or a damaged header): the image shows, the log may move.
    }
  }
  return sniffed;
}

/** B6: shown in the page (safe raster images only), or only ever downloaded. */
export const servedInline = (contentType: string): boolean => isInline(contentType);
