import { uploadFile, type UploadHandle } from '../lib/upload';
import { appStore } from '../store/app.store';

/*
 * B1: files chosen (Attach file, dropped, pasted) go up at once, each with its own request,
 * so they are ready by the time the message is written. The requests are kept here, out
 * of the store, so Cancel can abort them.
 */
const inFlight = new Map<string, UploadHandle>();
let counter = 0;

/** Starts uploading each file into the composer of `roomId`. */
export function attachFiles(roomId: string, files: Iterable<File>): void {
  const store = () => appStore.getState();
  for (const file of files) {
    const key = `upload-${++counter}`;
    store().uploadStarted(roomId, { key, name: file.name || 'file', size: file.size, loaded: 0, status: 'uploading' });
    const handle = uploadFile(roomId, file, (loaded) => store().uploadChanged(roomId, key, { loaded }));
    inFlight.set(key, handle);
    void handle.done.then((result) => {
      inFlight.delete(key);
      if (result.ok) store().uploadChanged(roomId, key, { status: 'uploaded', loaded: file.size, file: result.file });
      else if ('cancelled' in result) store().uploadRemoved(roomId, key);
      else store().uploadChanged(roomId, key, { status: 'failed', error: result.message });
    });
  }
}

/** Cancel (while uploading) or Remove (after): the file leaves the composer. */
export function removeUpload(roomId: string, key: string): void {
  const handle = inFlight.get(key);
  if (handle) handle.cancel();
  else appStore.getState().uploadRemoved(roomId, key);
}
