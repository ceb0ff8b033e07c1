// resource.Quantity as Kubernetes parses and prints it: "250m", "64Mi", "1e3", "1.5Gi".
// Parsing is exact (BigInt nano-units) so that canonical forms and requests-vs-limits comparisons
// match the real apiserver even for values beyond float precision (1Ei).

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const SHAPE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const NUMBER = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;
const EXPONENT = /^[eE]([+-]?\d+)$/;

const NANO = 1_000_000_000n;

export interface ParsedQuantity {
  /** Value in units of 1e-9, rounded up (away from zero is not used: Kubernetes rounds toward +inf). */
  nano: bigint;
  format: QuantityFormat;
}

const POW10: bigint[] = [1n];
for (let i = 1; i <= 64; i++) POW10.push(POW10[i - 1] * 10n);

function pow(base: bigint, e: number): bigint {
  if (base === 10n && e < POW10.length) return POW10[e];
  let r = 1n;
  for (let i = 0; i < e; i++) r *= base;
  return r;
}

// The same few quantity strings ("500m", "64Mi") recur on every request: remember recent parses.
const CACHE = new Map<string, ParsedQuantity>();
const CACHE_MAX = 512;

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** Parse exactly; throws Error with the Kubernetes message on malformed input. */
export function parseQuantityExact(s: string): ParsedQuantity {
  const hit = CACHE.get(s);
  if (hit) return hit;
  const q = parseUncached(s);
  if (CACHE.size >= CACHE_MAX) CACHE.clear();
  CACHE.set(s, q);
  return q;
}

function parseUncached(s: string): ParsedQuantity {
  const shape = SHAPE.exec(s);
  if (!shape) throw new Error(QUANTITY_FORMAT_ERROR);
  const n = NUMBER.exec(shape[1]);
  if (!n) throw new Error(QUANTITY_FORMAT_ERROR);
  const negative = n[1] === '-';
  const intPart = n[2] ?? '0';
  const frac = n[3] ?? n[4] ?? '';
  let mantissa = BigInt(intPart + frac);
  let scale = frac.length; // value = mantissa / 10^scale
  const suffix = shape[2];
  let format: QuantityFormat;
  let num = mantissa * NANO;
  if (suffix in BINARY) {
    format = 'BinarySI';
    num *= pow(1024n, BINARY[suffix]);
  } else if (suffix in DECIMAL) {
    format = 'DecimalSI';
    const e = DECIMAL[suffix];
    if (e >= 0) num *= pow(10n, e);
    else scale += -e;
  } else {
    const m = EXPONENT.exec(suffix);
    if (!m) throw new Error(QUANTITY_SUFFIX_ERROR);
    format = 'DecimalExponent';
    const e = Number(m[1]);
    if (Math.abs(e) > 1000) throw new Error(QUANTITY_SUFFIX_ERROR);
    if (e >= 0) num *= pow(10n, e);
    else scale += -e;
  }
  num = ceilDiv(num, pow(10n, scale));
  mantissa = negative ? -num : num;
  return Object.freeze({ nano: mantissa, format });
}

/** Parse to a number in base units: "250m" → 0.25, "64Mi" → 67108864. Throws on bad input. */
export function parseQuantity(s: string): number {
  const { nano } = parseQuantityExact(s);
  const whole = nano / NANO;
  const rest = nano % NANO;
  return Number(whole) + Number(rest) / 1e9;
}

/** True when s parses as a quantity. */
export function isQuantity(s: unknown): boolean {
  if (typeof s === 'number') return Number.isFinite(s);
  if (typeof s !== 'string') return false;
  try {
    parseQuantityExact(s);
    return true;
  } catch {
    return false;
  }
}

/** Canonical text of a value held in nano-units (Quantity.String()). */
export function formatNano(nano: bigint, format: QuantityFormat = 'DecimalSI'): string {
  const neg = nano < 0n;
  const abs = neg ? -nano : nano;
  const sign = neg ? '-' : '';
  if (format === 'BinarySI' && abs % NANO === 0n && abs >= 1024n * NANO) {
    let whole = abs / NANO;
    let k = 0;
    while (k < 6 && whole % 1024n === 0n) {
      whole /= 1024n;
      k++;
    }
    return `${sign}${whole}${BINARY_SUFFIX[k]}`;
  }
  if (abs === 0n) return '0';
  let m = abs;
  let e = -9;
  while (e < 18 && m % 1000n === 0n) {
    m /= 1000n;
    e += 3;
  }
  if (format === 'DecimalExponent') return `${sign}${m}${e === 0 ? '' : `e${e}`}`;
  return `${sign}${m}${DECIMAL_SUFFIX[e]}`;
}

/** Canonical text for a number of base units: 0.25 → "250m", 67108864 (BinarySI) → "64Mi". */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (!Number.isFinite(value)) throw new Error(`cannot format ${value} as a quantity`);
  const nano = Math.abs(value) < 9e6 ? BigInt(Math.round(value * 1e9)) : BigInt(Math.round(value)) * NANO;
  return formatNano(nano, format);
}

/** The canonical form Kubernetes stores and prints for a quantity string ("2000m" → "2"). */
export function canonicalQuantity(s: string): string {
  const q = parseQuantityExact(s);
  return formatNano(q.nano, q.format);
}
