import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';

/** The part an upload's file goes in. */
export const FILE_FIELD = 'file';

/**
 * The multipart parser's limits (registered in app.factory.ts): one part, which is the file, of
 * at most `maxBytes`. Past a limit the parser stops reading, so nothing larger is ever buffered.
 */
export const uploadLimits = (maxBytes: number) => ({
  fileSize: maxBytes,
  files: 1,
  fields: 0,
  parts: 1,
  headerPairs: 10,
  fieldNameSize: 100,
});

/**
 * The bytes of the request's one part, a file named `file`: 413 past the size limit, 400 for a
 * missing or empty file (a browser's form sends an empty part when no file was chosen), another
 * part, or a body that is not well-formed multipart.
 */
export async function readUploadedFile(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  let file: Buffer | undefined;
  try {
    if (request.isMultipart()) {
      for await (const part of request.parts()) {
        if (part.type !== 'file' || part.fieldname !== FILE_FIELD) throw onePartOnly();
        file = await readWithin(part.file, maxBytes);
      }
    }
  } catch (error) {
    if (error instanceof ProblemException) throw error;
    // The parser ends a file cut at the limit with this error, which may come first.
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    // The parser's other refusals: another part, a malformed or cut-short body.
    throw onePartOnly();
  }
  if (!file) throw onePartOnly();
  if (file.length === 0) {
    throw ProblemException.validation([
      { field: FILE_FIELD, message: { key: 'validation.picture.emptyFile', params: { field: FILE_FIELD } } },
    ]);
  }
  return file;
}

/**
 * A file part's bytes, refused with 413 the moment the parser cuts it at the limit (its 'limit'
 * event): read to its end, the part would take the rest of the upload, however large, first.
 * Destroying the part stops the parser reading the request.
 */
function readWithin(file: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    file.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.once('limit', () => {
      chunks.length = 0;
      file.destroy();
      reject(tooLarge(maxBytes));
    });
    file.once('end', () => resolve(Buffer.concat(chunks)));
    file.once('error', reject);
  });
}

/** 413, closing the connection (a lingering close: lingering-close.ts): the rest is never read. */
function tooLarge(maxBytes: number): ProblemException {
  return problem(ErrorCode.PAYLOAD_TOO_LARGE, { key: 'problems.pictures.tooLarge', params: { maxBytes } }, { headers: { connection: 'close' } });
}

function onePartOnly(): ProblemException {
  return ProblemException.validation([
    { field: FILE_FIELD, message: { key: 'validation.picture.onePart', params: { field: FILE_FIELD } } },
  ]);
}
