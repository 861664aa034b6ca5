import fastifyMultipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { API_ROUTES, IdSchema, type FileUploaded } from '@parley/shared-types';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticated } from '../../domain/auth.service.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Services } from '../../domain/services.js';
import type { UploadLimits } from '../../security/rate-limits.js';
import { apiError } from './errors.js';
import { sessionTokenFrom } from './session-cookie.js';

/** What a multipart body adds around one file: boundaries and part headers, generously. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** B6: a served file can run nothing, even when opened directly. */
export const FILE_CSP = "default-src 'none'; sandbox";

const RoomFilesParams = Type.Object({ roomId: IdSchema }, { additionalProperties: false });
const FileParams = Type.Object(
  { fileId: IdSchema, name: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);

/**
 * RFC 6266: the name for the browser to save under, as UTF-8 (filename*), with an ASCII
 * fallback where nothing can break out of the quotes.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * B1–B6 over HTTP: uploads as multipart (one file, streamed to storage as it arrives, never
 * held whole) and downloads that render nothing but safe images. Both need a session.
 */
export async function registerFileRoutes(
  app: FastifyInstance,
  deps: { services: Services; maxUploadBytes: number; limits: UploadLimits },
): Promise<void> {
  const { auth, files } = deps.services;
  const { maxUploadBytes } = deps;

  /** The caller's session, or null after a 401 was sent. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<Authenticated | null> {
    const token = sessionTokenFrom(request.cookies);
    const session = token ? await auth.authenticate(token) : null;
    if (!session) void refuseUnread(reply).code(401).send(apiError('unauthorized'));
    return session;
  }

  // Its own scope: only this route parses multipart bodies.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      // One byte over the cap, so the domain sees the file pass it (busboy cuts silently at the limit).
      limits: { fileSize: maxUploadBytes + 1, files: 1, fields: 8, fieldSize: 1024, parts: 9, headerPairs: 64 },
    });

    scope.post<{ Params: { roomId: string } }>(
      API_ROUTES.roomFiles,
      { schema: { params: RoomFilesParams } },
      async (request, reply) => {
        const session = await signedIn(request, reply);
        if (!session) return reply;
        const verdict = await deps.limits.take(session.user.id);
        if (!verdict.ok) {
          return refuseUnread(reply)
            .code(429)
            .header('retry-after', String(Math.ceil(verdict.retryAfterMs / 1000)))
            .send({ ...apiError('rate_limited'), retryAfterMs: verdict.retryAfterMs });
        }
        // B2: a body that says up front it is too big is refused before a byte is read.
        const length = Number(request.headers['content-length']);
        if (Number.isFinite(length) && length > maxUploadBytes + MULTIPART_OVERHEAD_BYTES) {
          throw refusalUnread(reply, new DomainError('file_too_large', { message: `at most ${maxUploadBytes} bytes` }));
        }
        if (!request.isMultipart())
          throw refusalUnread(reply, new DomainError('invalid_payload', { message: 'multipart/form-data expected' }));
        const part = await request.file();
        if (!part) throw new DomainError('invalid_payload', { path: '/file', message: 'no file in the body' });
        try {
          const file = await files.upload(session.user, {
            roomId: request.params.roomId,
            name: part.filename,
            declaredType: part.mimetype,
            bytes: part.file,
          });
          const body: FileUploaded = { file };
          return reply.code(201).send(body);
        } catch (error) {
          // The rest of the body is not read: the connection closes once the answer is out.
          refuseUnread(reply);
          part.file.resume();
          // Cancelled in the browser (or the connection dropped): nothing was kept, nobody to answer.
          if (request.raw.destroyed || isAborted(error)) {
            request.log.info('upload cancelled by the client');
            return reply.code(400).send(apiError('invalid_payload', { message: 'the upload was cancelled' }));
          }
          if (isFileTooLarge(error)) {
            throw new DomainError('file_too_large', { path: '/file', message: `at most ${maxUploadBytes} bytes` });
          }
          throw error;
        }
      },
    );
  });

  app.get<{ Params: { fileId: string; name: string } }>(
    API_ROUTES.file,
    { schema: { params: FileParams } },
    async (request, reply) => {
      const session = await signedIn(request, reply);
      if (!session) return reply;
      const { file, bytes, inline } = await files.download(session.user, request.params.fileId);
      return (
        reply
          .header('content-type', file.contentType)
          .header('content-length', String(file.size))
          // B6: only a safe image is shown in place; everything else is saved, never rendered.
          .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', file.name))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', FILE_CSP)
          // A file never changes under its id; who may read it can, so no shared caches.
          .header('cache-control', 'private, max-age=3600')
          .send(bytes)
      );
    },
  );
}

/** The request body will not be read: close the connection after the answer, rather than drain it. */
function refuseUnread(reply: FastifyReply): FastifyReply {
  return reply.header('connection', 'close');
}

function refusalUnread(reply: FastifyReply, error: DomainError): DomainError {
  refuseUnread(reply);
  return error;
}

function isFileTooLarge(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'FST_REQ_FILE_TOO_LARGE';
}

function isAborted(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ECONNRESET';
}
