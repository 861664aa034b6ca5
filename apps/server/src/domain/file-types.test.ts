import { describe, expect, it } from 'vitest';
import { HTML_BYTES, pngBytes } from '../../test/files.fixtures.js';
import { cleanFileName, sniffFile, UNKNOWN_TYPE } from './file-types.js';

describe('file types (SPEC B1, B3)', () => {
  it('B1: a name keeps its last path segment, without controls or bidi overrides, and is never empty', () => {
    expect(cleanFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('invoice\u202Egnp.exe')).toBe('invoicegnp.exe');
    expect(cleanFileName('tab\there.txt')).toBe('tabhere.txt');
    expect(cleanFileName('   ')).toBe('file');
    expect(cleanFileName('..')).toBe('file');
    expect(Array.from(cleanFileName('é'.repeat(300)))).toHaveLength(200);
  });

  it('B3: the type comes from the bytes; images carry their dimensions', async () => {
    expect(await sniffFile(pngBytes(7, 5), 'shot.png', 'image/png')).toEqual({
      contentType: 'image/png',
      width: 7,
      height: 5,
    });
    // The client's word does not make text into anything.
    expect(await sniffFile(Buffer.from('plain words'), 'notes.txt', 'text/html')).toEqual({
      contentType: UNKNOWN_TYPE,
    });
    expect(await sniffFile(pngBytes(2, 2), 'shot', '')).toMatchObject({ contentType: 'image/png' });
  });

  it('B3: a name or a declared type that claims an image the bytes are not is a mismatch', async () => {
    expect(await sniffFile(HTML_BYTES, 'cat.png', '')).toBe('mismatch');
    expect(await sniffFile(HTML_BYTES, 'cat.JPEG', 'image/jpeg')).toBe('mismatch');
    expect(await sniffFile(HTML_BYTES, 'cat', 'image/png')).toBe('mismatch');
    expect(await sniffFile(pngBytes(2, 2), 'cat.gif', '')).toBe('mismatch');
    expect(await sniffFile(pngBytes(2, 2), 'cat.bin', 'text/plain')).toBe('mismatch');
    // SVG has no signature to check: accepted, and stored as bytes nobody renders.
    expect(await sniffFile(Buffer.from('<svg/>'), 'a.svg', 'image/svg+xml')).toEqual({ contentType: UNKNOWN_TYPE });
  });
});
