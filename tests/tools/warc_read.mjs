// Reads WARC files with warcio (an independent implementation) and prints one JSON object:
// {records: [{file, offset, type, uri, id, status, payload_bytes, digest_ok | method, headers, concurrent_to
//   | status, profile, refers_to, refers_to_uri, refers_to_date}], errors: [...]}.
// Usage: node warc_read.mjs FILE.warc.gz...
import fs from 'node:fs';
import path from 'node:path';
import { WARCParser } from 'warcio';
import { createHash } from 'node:crypto';
import base32Encode from 'base32-encode';

function sha1b32(bytes) {
  return 'sha1:' + base32Encode(createHash('sha1').update(bytes).digest(), 'RFC4648', { padding: false });
}

const out = { records: [], errors: [] };
for (const file of process.argv.slice(2)) {
  try {
    const parser = new WARCParser(fs.createReadStream(file));
    for await (const record of parser) {
      const h = record.warcHeaders;
      const type = h.headers.get('WARC-Type');
      const entry = {
        file: path.basename(file),
        offset: parser.offset,
        type,
        uri: h.headers.get('WARC-Target-URI') || '',
        id: h.headers.get('WARC-Record-ID'),
        version: h.protocol,
      };
      if (type === 'response') {
        entry.status = record.httpHeaders ? Number(record.httpHeaders.statusCode) : null;
        const payload = await record.readFully(false);
        entry.payload_bytes = payload.length;
        entry.digest_ok = sha1b32(payload) === h.headers.get('WARC-Payload-Digest');
      } else if (type === 'revisit') {
        entry.status = record.httpHeaders ? Number(record.httpHeaders.statusCode) : null;
        entry.profile = h.headers.get('WARC-Profile');
        entry.refers_to = h.headers.get('WARC-Refers-To');
        entry.refers_to_uri = h.headers.get('WARC-Refers-To-Target-URI');
        entry.refers_to_date = h.headers.get('WARC-Refers-To-Date');
        await record.readFully(false);
      } else if (type === 'request') {
        entry.method = record.httpHeaders ? record.httpHeaders.method : null;
        entry.headers = record.httpHeaders ? Object.fromEntries(record.httpHeaders.headers) : {};
        entry.concurrent_to = h.headers.get('WARC-Concurrent-To');
        await record.readFully(false);
      } else {
        await record.readFully(false);
      }
      out.records.push(entry);
    }
  } catch (e) {
    out.errors.push(`${file}: ${e.message}`);
  }
}
console.log(JSON.stringify(out));
