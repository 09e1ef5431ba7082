/**
 * Size-limited request bodies (docs/security.md, issue 14 item 1). Every route handler that reads
 * a body reads it here, never with `req.text()`/`req.json()`/`req.arrayBuffer()`, which buffer
 * the whole body whatever its size (one unsigned 1 GB POST to the Stripe webhook took the server
 * from 160 MB to 2.26 GB RSS). The limit is enforced while the stream is read: a declared
 * `Content-Length` above the limit is refused before a byte is read, and an undeclared (chunked)
 * body is cancelled as soon as it passes the limit, so at most `maxBytes` plus one chunk is ever
 * held in memory. Uploads (campaign files) keep streaming through their own readers.
 */
import { AppError } from "@/lib/errors";

/** Default limit for small JSON bodies (preferences, settings): 16 KiB. */
const SMALL_BODY_BYTES = 16 * 1024;

/** A body longer than the route accepts (413, code "payload_too_large"); `maxBytes` in bytes. */
export class PayloadTooLargeError extends AppError {
  constructor(readonly maxBytes: number) {
    super("payload_too_large", 413, `request body exceeds ${maxBytes} bytes`, { maxBytes });
  }
}

/** A body that is not what the route reads (400, code "invalid_request"), e.g. malformed JSON. */
class InvalidBodyError extends AppError {
  constructor(message: string) {
    super("invalid_request", 400, message);
  }
}

/**
 * Reads the request body as bytes, at most `maxBytes` of them.
 * @throws PayloadTooLargeError when Content-Length or the bytes actually sent exceed `maxBytes`
 *   (the stream is cancelled at that point; nothing further is read)
 * @returns the body's bytes (empty for a request without a body)
 */
async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Reads the body as UTF-8 text (exact bytes decoded, never re-serialised: signatures stay valid).
 * @throws PayloadTooLargeError as readBodyBytes
 */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(req, maxBytes));
}

/**
 * Reads and parses a JSON body of at most `maxBytes` (default SMALL_BODY_BYTES).
 * @throws PayloadTooLargeError as readBodyBytes; InvalidBodyError when it is not JSON
 * @returns the parsed value (unknown: validate it with zod)
 */
export async function readJsonBody(req: Request, maxBytes: number = SMALL_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(req, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidBodyError("request body is not JSON");
  }
}
