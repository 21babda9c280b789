import QRCode from 'qrcode';

/**
 * A PNG data URI of the link's QR code, small enough to sit inside an Adaptive Card (Teams caps a
 * message at about 100 KB; a typical survey link gives well under 2 KB). Medium error correction
 * survives a printed copy; a 2-module quiet zone keeps it scannable on a white card.
 */
export async function qrDataUri(url: string): Promise<string> {
  return QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, scale: 4, type: 'image/png' });
}
