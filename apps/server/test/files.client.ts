import { filePath, roomFilesPath } from '@parley/shared-types';

/** Files over real HTTP, as a browser sends them (SPEC B1, B5). */

export type Sent = { status: number; json: unknown; headers: Headers };

/** B1 over real HTTP: one file, multipart, with the session cookie when given. */
export async function upload(
  server: { url: string },
  roomId: string,
  file: { bytes: Uint8Array; name: string; type?: string },
  cookie?: string,
): Promise<Sent> {
  const form = new FormData();
  form.append('file', new Blob([file.bytes], { type: file.type ?? '' }), file.name);
  const response = await fetch(`${server.url}${roomFilesPath(roomId)}`, {
    method: 'POST',
    body: form,
    headers: cookie ? { cookie } : {},
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** B5 over real HTTP. */
export async function download(server: { url: string }, id: string, name: string, cookie?: string) {
  const response = await fetch(`${server.url}${filePath(id, name)}`, { headers: cookie ? { cookie } : {} });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
