import iconv from 'iconv-lite';
import { problem } from '../http/problem.js';

/** The encodings a CSV file is read in: UTF-8, or GB18030 (a superset of GBK and GB2312, what spreadsheet programs in mainland China write). */
export type CsvCharset = 'utf-8' | 'gb18030';

const ALIASES: Record<string, CsvCharset> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gb18030: 'gb18030',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  cp936: 'gb18030',
  'x-gbk': 'gb18030',
};

/**
 * The charset a client declared, from the `charset` parameter of Content-Type or else the `charset`
 * query parameter (a spreadsheet upload tool may not let its user set headers); undefined when none.
 * One this service cannot read is a 415: guessing would import garbled names.
 */
export function declaredCharset(contentType: string | undefined, query?: string): CsvCharset | undefined {
  const declared = (/;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1] ?? query)?.toLowerCase();
  if (declared === undefined) return undefined;
  const charset = ALIASES[declared];
  if (!charset) {
    throw problem.unsupportedMediaType({
      zh: `不支持字符集 ${declared}：请使用 UTF-8 或 GB18030/GBK`,
      en: `charset ${declared} is not supported: use UTF-8 or GB18030/GBK`,
    });
  }
  return charset;
}

/**
 * Tells UTF-8 from GB18030 over a whole file as it streams by: a file is UTF-8 when it starts with the
 * UTF-8 byte-order mark or is valid UTF-8 throughout, GB18030 otherwise. Chinese text in GBK is almost
 * never valid UTF-8 (its lead bytes 0x81-0xFE are rarely followed by the continuation bytes UTF-8
 * needs), and a file of ASCII only reads the same either way.
 */
export class CharsetSniffer {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private valid = true;
  private first = true;
  private bom = false;

  push(chunk: Uint8Array): void {
    if (this.first && chunk.length > 0) {
      this.bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      this.first = false;
    }
    if (!this.valid || this.bom) return;
    try {
      this.utf8.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
    }
  }

  /** The charset, once every byte has been pushed. */
  result(): CsvCharset {
    if (this.bom) return 'utf-8';
    if (!this.valid) return 'gb18030';
    try {
      this.utf8.decode();
      return 'utf-8';
    } catch {
      // The file ends inside a multi-byte sequence: not UTF-8.
      return 'gb18030';
    }
  }
}

/** Decodes bytes of a charset as a stream of text (a leading UTF-8 BOM dropped), chunk boundaries inside a character kept whole. */
export async function* decodeStream(source: AsyncIterable<Uint8Array>, charset: CsvCharset): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(charset, { stripBOM: true });
  for await (const chunk of source) {
    const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** One string read as bytes one to one (latin1) back into the text of its charset. */
export function decodeLatin1(value: string, charset: CsvCharset): string {
  return iconv.decode(Buffer.from(value, 'latin1'), charset, { stripBOM: true });
}
