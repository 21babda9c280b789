/**
 * How much untrusted document input the parsers accept: a .docx is a zip (its unpacked size is capped before
 * anything is unpacked for real), a PDF is read in a separate process with a page count and time limit.
 * The defaults match the configuration's (DOCX_MAX_UNCOMPRESSED_BYTES, PDF_MAX_PAGES, PDF_TIMEOUT_MS).
 */
export interface ParseLimits {
  docxUncompressedBytes: number;
  pdfPages: number;
  pdfTimeoutMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  docxUncompressedBytes: 50 * 1024 * 1024,
  pdfPages: 200,
  pdfTimeoutMs: 20_000,
};

/** A document refused for its size or cost (not a parse failure): the message says what the limit is. */
export class DocumentTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentTooLargeError';
  }
}
