// Resumable uploads (tus protocol, @tus/server) for owners answering a footage request. Any tus client works
// (Uppy, tus-js-client). The owner session cookie authenticates; Upload-Metadata carries requestId and filename.
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Server, type Upload } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { AppError } from '../errors.js';
import { OWNER_COOKIE } from '../http/access.js';
import { uploadProblem } from './evidence.service.js';

type TusError = { status_code: number; body: string };

function tusError(err: unknown): TusError {
  if (err instanceof AppError) return { status_code: err.status, body: `${err.detail}\n` };
  if (err && typeof err === 'object' && 'status_code' in err) return err as TusError;
  throw err;
}

function ownerCookie(cookieHeader: string | null): string | undefined {
  const m = (cookieHeader ?? '').split(/;\s*/).find((c) => c.startsWith(`${OWNER_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(OWNER_COOKIE.length + 1)) : undefined;
}

export async function uploadRoutes(app: FastifyInstance): Promise<void> {
  const { evidence, owners, config } = app.ctx;
  const directory = path.join(config.dataDir, 'uploads');
  const datastore = new FileStore({ directory });
  const ownerOf = async (req: { headers: Headers }) => {
    const token = ownerCookie(req.headers.get('cookie'));
    if (!token) throw { status_code: 401, body: 'Open the link from your email first.\n' };
    return owners.resolveSession(token).catch((e: unknown) => {
      throw tusError(e);
    });
  };

  const tus = new Server({
    path: '/api/v1/uploads',
    datastore,
    maxSize: config.uploadMaxBytes,
    relativeLocation: true,
    respectForwardedHeaders: config.trustProxy,
    disableTerminationForFinishedUploads: true,
    async onUploadCreate(req, upload: Upload) {
      const ownerId = await ownerOf(req);
      const problem = uploadProblem(upload.metadata?.filename ?? undefined, upload.size, config.uploadMaxBytes);
      if (problem) throw { status_code: upload.size !== undefined && upload.size > config.uploadMaxBytes ? 413 : 400, body: `${problem}\n` };
      const requestId = upload.metadata?.requestId;
      if (!requestId) throw { status_code: 400, body: 'say which request this answers (Upload-Metadata "requestId")\n' };
      await evidence.openRequestOf(ownerId, requestId).catch((e: unknown) => {
        throw tusError(e);
      });
      return { metadata: { ...upload.metadata, ownerId } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      const ownerId = await ownerOf(req);
      const upload = await datastore.getUpload(uploadId).catch(() => undefined);
      // Someone else's upload is answered like a missing one.
      if (upload && upload.metadata?.ownerId !== ownerId) throw { status_code: 404, body: 'The upload does not exist.\n' };
    },
    async onUploadFinish(_req, upload: Upload) {
      try {
        const ev = await evidence.receive({
          uploadId: upload.id,
          uploadPath: path.join(directory, upload.id),
          ownerId: upload.metadata!.ownerId!,
          requestId: upload.metadata!.requestId!,
          filename: upload.metadata!.filename!,
          contentType: upload.metadata?.filetype ?? null,
        });
        return { headers: { 'X-Evidence-Id': ev.id, 'X-Evidence-SHA256': ev.sha256 } };
      } catch (err) {
        throw tusError(err);
      }
    },
  });

  // Leave the body to tus: it streams PATCH bodies to disk as they arrive.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    await tus.handle(request.raw, reply.raw);
  };
  for (const url of ['/api/v1/uploads', '/api/v1/uploads/:id']) {
    app.route({
      method: ['POST', 'PATCH', 'HEAD', 'DELETE', 'OPTIONS'],
      url,
      config: { access: 'owner' },
      schema: { tags: ['owner'], summary: 'Resumable footage upload (tus 1.0.0 protocol; creation, termination of unfinished uploads)' },
      handler: handle,
    });
  }
}
