// The CPU kernels the engine runs at start-up to measure fuel per core-second (calibrate.ts). Fuel
// counts instructions, and instructions differ in cost: tight loops burn more fuel per second than
// call-heavy code. Calibration measures each kernel and takes the geometric mean, so that no kind of
// code is off by more than ~2x. Exports take a round count; no imports. Rebuild calibration-guest.ts:
//   sh build-calibration-guest.sh
#include <stdint.h>

static uint32_t data[256];
static uint8_t sieve[1 << 16];

/* Arithmetic in registers: xorshift + FNV-1a. */
__attribute__((export_name("hash")))
uint32_t hash(uint32_t rounds) {
  uint32_t h = 2166136261u, x = 88172645u + rounds;
  for (uint32_t r = 0; r < rounds; r++)
    for (int i = 0; i < 4096; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      h = (h ^ (x & 0xff)) * 16777619u;
    }
  return h;
}

/* Byte loads and stores in cache: a sieve of Eratosthenes. */
__attribute__((export_name("sieve")))
uint32_t sieve_rounds(uint32_t rounds) {
  uint32_t count = 0;
  const int n = sizeof sieve;
  for (uint32_t r = 0; r < rounds; r++) {
    for (int i = 0; i < n; i++) sieve[i] = 1;
    for (int i = 2; i * i < n; i++)
      if (sieve[i]) for (int j = i * i; j < n; j += i) sieve[j] = 0;
    for (int i = 2; i < n; i++) count += sieve[i];
  }
  return count;
}

/* Calls: naive recursive Fibonacci. */
__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((export_name("calls")))
uint32_t calls(uint32_t rounds) {
  uint32_t acc = 0;
  for (uint32_t r = 0; r < rounds; r++) acc += fib(15 + (r & 1));
  return acc;
}

/* Data-dependent branches over memory: insertion sort. */
__attribute__((export_name("sort")))
uint32_t sort(uint32_t rounds) {
  uint32_t x = rounds | 1, acc = 0;
  for (uint32_t r = 0; r < rounds; r++) {
    for (int i = 0; i < 256; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; data[i] = x; }
    for (int i = 1; i < 256; i++) {
      uint32_t v = data[i];
      int j = i - 1;
      while (j >= 0 && data[j] > v) { data[j + 1] = data[j]; j--; }
      data[j + 1] = v;
    }
    acc += data[128];
  }
  return acc;
}
