// The CPU loop the engine runs at start-up to measure fuel per core-second (calibrate.ts): a mix of
// what guests do (hashing, a sieve, sorting), with no imports. Rebuild calibration-guest.ts with
//   sh build-calibration-guest.sh
#include <stdint.h>

#define N 4096
static uint32_t data[N];
static uint8_t sieve[N * 4];

static uint32_t hash_round(uint32_t seed) {
  uint32_t h = 2166136261u ^ seed;
  for (int i = 0; i < 1024; i++) {
    h ^= (uint32_t)i * 2654435761u;
    h *= 16777619u;
    h ^= h >> 13;
  }
  return h;
}

static uint32_t sieve_round(void) {
  uint32_t count = 0;
  for (int i = 0; i < N * 4; i++) sieve[i] = 1;
  for (int i = 2; i * i < N * 4; i++)
    if (sieve[i])
      for (int j = i * i; j < N * 4; j += i) sieve[j] = 0;
  for (int i = 2; i < N * 4; i++) count += sieve[i];
  return count;
}

static uint32_t sort_round(uint32_t seed) {
  uint32_t x = seed | 1;
  for (int i = 0; i < 256; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    data[i] = x;
  }
  for (int i = 1; i < 256; i++) {
    uint32_t v = data[i];
    int j = i - 1;
    while (j >= 0 && data[j] > v) { data[j + 1] = data[j]; j--; }
    data[j + 1] = v;
  }
  return data[128];
}

__attribute__((export_name("run")))
uint32_t run(uint32_t rounds) {
  uint32_t acc = 0;
  for (uint32_t r = 0; r < rounds; r++) {
    acc += hash_round(r + acc);
    acc += sieve_round();
    acc += sort_round(acc + r);
  }
  return acc;
}
