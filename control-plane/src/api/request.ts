// Reading a request the way kube-apiserver does: query booleans parsed like Go's strconv.ParseBool,
// bodies bounded in size and decoded by Content-Type, and the Accept header's `as=Table` choice.

import type { IncomingMessage } from 'node:http';
import { yamlParser } from './yaml.js';
import { ApiError, errors } from './status.js';

/** kube-apiserver's limit for a JSON/YAML request body is 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Go strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. Anything else → undefined. */
export function parseBool(v: string | undefined | null): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(v)) return false;
  return undefined;
}

export function queryBool(q: URLSearchParams, name: string): boolean {
  const raw = q.get(name);
  if (raw === null) return false;
  const b = parseBool(raw);
  if (b === undefined) throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: must be a boolean`);
  return b;
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: must be an integer`);
  return Number(raw);
}

/** Reads the body as UTF-8 text up to MAX_BODY_BYTES; more → 413 (the rest is not buffered). */
export async function readBody(req: Request | undefined, incoming?: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req, incoming)).toString('utf8');
}

/** Reads the body's bytes up to MAX_BODY_BYTES; more → 413. */
export async function readBodyBytes(req: Request | undefined, incoming?: IncomingMessage): Promise<Buffer> {
  if (incoming && !req?.bodyUsed) return readIncoming(incoming);
  if (!req?.body) return Buffer.alloc(0);
  const len = Number(req.headers.get('content-length') ?? '0');
  if (len > MAX_BODY_BYTES) throw errors.tooLarge(MAX_BODY_BYTES);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw errors.tooLarge(MAX_BODY_BYTES);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The node request read directly: much cheaper than through the adapter's web stream. */
function readIncoming(incoming: IncomingMessage): Promise<Buffer> {
  const len = Number(incoming.headers['content-length'] ?? '0');
  if (len > MAX_BODY_BYTES) return Promise.reject(errors.tooLarge(MAX_BODY_BYTES));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_BODY_BYTES) {
        cleanup();
        incoming.resume(); // discard the rest
        reject(errors.tooLarge(MAX_BODY_BYTES));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(errors.badRequest(`reading the request body: ${e.message}`));
    };
    const onClose = () => {
      if (!incoming.readableEnded) onError(new Error('connection closed'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/** The media type without parameters, lower-cased; '' when absent. */
export function mediaType(header: string | null | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/**
 * Decode a create/update body. JSON and YAML are accepted; no Content-Type is read as JSON
 * (kubectl sends `PUT …/scale` without one). Protobuf (kubectl create <generator>) → 415 with advice.
 */
export function decodeObjectBody(contentType: string | null, text: string): Record<string, unknown> {
  const mt = mediaType(contentType);
  if (mt === PROTOBUF) throw protobufRefused();
  let value: unknown;
  if (mt === '' || mt === 'application/json' || mt === '*/*') {
    value = parseJson(text);
  } else if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') {
    try {
      value = yamlParser().parse(text);
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: the request body must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw errors.badRequest(`couldn't get version/kind; json parse error: unexpected end of JSON input`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function protobufRefused(why?: string): ApiError {
  return errors.unsupportedMediaType(
    'the body of the request was in an unknown format - this server decodes protobuf request bodies ' +
      `(application/vnd.kubernetes.protobuf) only for Namespace, ConfigMap, Secret and Deployment${why ? ` (${why})` : ''}; ` +
      'write the object as YAML and use `kubectl create -f <file>` or `kubectl apply -f <file>` instead',
  );
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** True when the client's first acceptable representation is a meta.k8s.io Table. */
export function wantsTable(accept: string | null | undefined): boolean {
  if (!accept) return false;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((s) => s.trim());
    const mt = params[0].toLowerCase();
    if (mt !== 'application/json' && mt !== '*/*' && mt !== 'application/vnd.kubernetes.protobuf') continue;
    const as = params.find((p) => p.startsWith('as='));
    if (!as) {
      if (mt === 'application/vnd.kubernetes.protobuf') continue;
      return false;
    }
    if (as === 'as=Table') return true;
  }
  return false;
}

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw errors.badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
}
