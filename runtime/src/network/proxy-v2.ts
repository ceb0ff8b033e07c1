// The PROXY protocol version 2 header (HAProxy's spec), TCP over IPv4 only: 12-byte signature,
// version/command, family/transport, length, then source and destination address and port. The
// tunnel between node agents sends one in front of each connection to carry the source pod IP.

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const HEADER_LEN = 16;
const IPV4_ADDRS_LEN = 12;

export interface ProxyAddresses {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
}

const ipBytes = (ip: string) => Buffer.from(ip.split('.').map(Number));
const ipText = (b: Buffer) => [...b].join('.');

export function encodeProxyV2(a: ProxyAddresses): Buffer {
  const buf = Buffer.alloc(HEADER_LEN + IPV4_ADDRS_LEN);
  SIGNATURE.copy(buf, 0);
  buf[12] = 0x21; // version 2, PROXY
  buf[13] = 0x11; // AF_INET, STREAM
  buf.writeUInt16BE(IPV4_ADDRS_LEN, 14);
  ipBytes(a.srcIp).copy(buf, 16);
  ipBytes(a.dstIp).copy(buf, 20);
  buf.writeUInt16BE(a.srcPort, 24);
  buf.writeUInt16BE(a.dstPort, 26);
  return buf;
}

export type DecodeResult = { need: number } | { error: string } | { addresses: ProxyAddresses; consumed: number };

/** Parse a header at the start of buf: how many more bytes are needed, an error, or the addresses. */
export function decodeProxyV2(buf: Buffer): DecodeResult {
  if (buf.length < HEADER_LEN) {
    if (!SIGNATURE.subarray(0, buf.length).equals(buf.subarray(0, Math.min(buf.length, 12)))) return { error: 'not a PROXY v2 header' };
    return { need: HEADER_LEN - buf.length };
  }
  if (!buf.subarray(0, 12).equals(SIGNATURE)) return { error: 'not a PROXY v2 header' };
  if (buf[12] >> 4 !== 2) return { error: `unsupported PROXY version ${buf[12] >> 4}` };
  if ((buf[12] & 0x0f) !== 1) return { error: 'only the PROXY command is accepted' };
  if (buf[13] !== 0x11) return { error: 'only TCP over IPv4 is supported' };
  const len = buf.readUInt16BE(14);
  if (len < IPV4_ADDRS_LEN) return { error: 'address block too short' };
  if (buf.length < HEADER_LEN + len) return { need: HEADER_LEN + len - buf.length };
  return {
    addresses: {
      srcIp: ipText(buf.subarray(16, 20)),
      dstIp: ipText(buf.subarray(20, 24)),
      srcPort: buf.readUInt16BE(24),
      dstPort: buf.readUInt16BE(26),
    },
    consumed: HEADER_LEN + len,
  };
}
