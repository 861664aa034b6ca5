import { ERROR_MESSAGES, isErrorCode, roomFilesPath, type ApiError, type Attachment } from '@parley/shared-types';
import { errorText } from './errors';

/** What an upload came to: the stored file, the sentence to show, or nothing (cancelled). */
export type UploadResult =
  { ok: true; file: Attachment } | { ok: false; message: string } | { ok: false; cancelled: true };

export type UploadHandle = { done: Promise<UploadResult>; cancel(): void };

/**
 * B1: one file to a room over HTTP, multipart. XMLHttpRequest rather than fetch: only it
 * reports upload progress (fetch has no upload progress events). `onProgress` gets the
 * bytes sent so far; cancel() aborts the request, and the server keeps nothing of it.
 */
export function uploadFile(roomId: string, file: File, onProgress: (loaded: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadResult>((resolve) => {
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onabort = () => resolve({ ok: false, cancelled: true });
    xhr.onerror = () => resolve({ ok: false, message: errorText(undefined) });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 201 && body && typeof body === 'object' && 'file' in body) {
        resolve({ ok: true, file: (body as { file: Attachment }).file });
        return;
      }
      const code = (body as Partial<ApiError> | undefined)?.error;
      resolve({
        ok: false,
        message: isErrorCode(code)
          ? ERROR_MESSAGES[code]
          : xhr.status === 413
            ? ERROR_MESSAGES.file_too_large
            : errorText(undefined),
      });
    };
  });
  const form = new FormData();
  form.append('file', file, file.name);
  xhr.open('POST', roomFilesPath(roomId));
  xhr.withCredentials = true;
  xhr.send(form);
  return { done, cancel: () => xhr.abort() };
}
