'use strict';

// Function code for the conformance test, built here rather than read from a
// fixture so the checksum FC reports is checked against an independent
// implementation: CRC-64/XZ is written out below instead of borrowed from the
// emulator or from a package.

const CRC64_ECMA_REFLECTED = 0xc96c5795d7870f42n;
const MASK64 = 0xffffffffffffffffn;

const crc64Table = (() => {
  const table = new Array(256);
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) {
      c = c & 1n ? (c >> 1n) ^ CRC64_ECMA_REFLECTED : c >> 1n;
    }
    table[i] = c;
  }
  return table;
})();

// crc64 is CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all
// ones): the checksum FC reports as codeChecksum and OSS as
// x-oss-hash-crc64ecma. It returns a BigInt because values exceed 2^53.
function crc64(bytes) {
  let crc = MASK64;
  for (const b of bytes) {
    crc = crc64Table[Number((crc ^ BigInt(b)) & 0xffn)] ^ (crc >> 8n);
  }
  return crc ^ MASK64;
}

const crc32Table = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    table[i] = c >>> 0;
  }
  return table;
})();

// crc32 is the zip format's own checksum of each entry.
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc = crc32Table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// makeZip returns a valid zip archive holding files (name -> string content),
// stored without compression so the bytes are fully determined by the input.
// The DOS timestamp is fixed (1980-01-01) for the same reason.
function makeZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBuf = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed to extract
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size
    local.writeUInt32LE(data.length, 22); // uncompressed size
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    locals.push(local, nameBuf, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory signature
    central.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt16LE(0, 30); // extra length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external: -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);

    offset += local.length + nameBuf.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const count = Object.keys(files).length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

module.exports = { crc64, crc32, makeZip };
