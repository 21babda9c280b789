import { inflateRawSync } from 'node:zlib';
import { DocumentTooLargeError } from './limits';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 5000;

/**
 * Checks a zip (a .docx) before it is unpacked: at most MAX_ENTRIES entries, and the whole archive unpacks to
 * at most `maxBytes`. Declared sizes are not trusted: every entry is inflated here with its output capped at
 * what it declares (and at what is left of the budget), so a zip bomb, or one that lies about its sizes, is
 * refused after at most `maxBytes` of work and memory. Throws DocumentTooLargeError, or Error for a broken zip.
 */
export function checkZipSize(zip: Buffer, maxBytes: number): void {
  const eocd = findEndOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new DocumentTooLargeError('zip64 archives are not read');
  if (entries > MAX_ENTRIES) throw new DocumentTooLargeError(`it has ${entries} parts; at most ${MAX_ENTRIES} are read`);
  if (cdOffset + cdSize > zip.length) throw new Error('the zip directory is cut short');

  const tooBig = () => new DocumentTooLargeError(`it unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  let declared = 0;
  let used = 0;
  let p = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw new Error('the zip directory is damaged');
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    p += 46 + nameLength + extraLength + commentLength;

    declared += size;
    if (declared > maxBytes) throw tooBig();
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) throw new Error('a zip entry is damaged');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + compressed > zip.length) throw new Error('a zip entry is cut short');
    const data = zip.subarray(start, start + compressed);
    let actual: number;
    if (method === 0) actual = data.length;
    else if (method === 8) {
      // One byte more than declared (within the budget) tells a lie from the truth without unpacking the bomb.
      const cap = Math.min(size, maxBytes - used) + 1;
      try {
        actual = inflateRawSync(data, { maxOutputLength: Math.max(1, cap) }).length;
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw tooBig();
        throw new Error('a zip entry could not be unpacked');
      }
    } else throw new Error(`zip compression method ${method} is not supported`);
    if (actual > size) throw tooBig();
    if (actual < size) throw new Error('a zip entry is shorter than it says');
    used += actual;
    if (used > maxBytes) throw tooBig();
  }
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= stop; i--) if (zip.readUInt32LE(i) === EOCD) return i;
  throw new Error('not a zip archive');
}
