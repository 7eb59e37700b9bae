// scrypt (RFC 7914) for the vote page's solver, compiled to WebAssembly with 128-bit SIMD
// (decision 0017). The page derives ~1,500 keys per human check; in JavaScript (@noble/hashes)
// each took 255 µs on this machine, most of it in ROMix's Salsa20/8, which maps onto four-lane
// vectors. A wrong key here can cost nothing but a refused vote: the server derives every key
// again (OpenSSL) before counting, and the tests vote through this code.
//
// Freestanding: no libc. The caller reserves memory for one shape of derivation
// (scrypt_reserve), writes the password and the salt at the address it returns, then derives
// (scrypt_derive) as often as it likes with that shape.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

extern unsigned char __heap_base;

// ------------------------------------------------------------------ SHA-256, HMAC, PBKDF2

static const uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

typedef struct {
  uint32_t state[8];
  uint8_t block[64];
  uint32_t used;    // bytes waiting in block
  uint64_t length;  // bytes hashed in all
} Sha256;

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t* p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void store_be32(uint8_t* p, uint32_t x) {
  p[0] = (uint8_t)(x >> 24);
  p[1] = (uint8_t)(x >> 16);
  p[2] = (uint8_t)(x >> 8);
  p[3] = (uint8_t)x;
}

static void sha256_compress(uint32_t state[8], const uint8_t block[64]) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) w[i] = load_be32(block + 4 * i);
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 =
        h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kSha256K[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

static void sha256_init(Sha256* ctx) {
  static const uint32_t kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; i++) ctx->state[i] = kInitial[i];
  ctx->used = 0;
  ctx->length = 0;
}

static void sha256_update(Sha256* ctx, const uint8_t* data, uint32_t size) {
  ctx->length += size;
  while (size > 0) {
    if (ctx->used == 0 && size >= 64) {
      sha256_compress(ctx->state, data);
      data += 64;
      size -= 64;
      continue;
    }
    uint32_t take = 64 - ctx->used < size ? 64 - ctx->used : size;
    __builtin_memcpy(ctx->block + ctx->used, data, take);
    ctx->used += take;
    data += take;
    size -= take;
    if (ctx->used == 64) {
      sha256_compress(ctx->state, ctx->block);
      ctx->used = 0;
    }
  }
}

static void sha256_final(Sha256* ctx, uint8_t digest[32]) {
  uint64_t bits = ctx->length * 8;
  uint8_t pad[72] = {0x80};
  uint32_t pad_size = (ctx->used < 56 ? 56 : 120) - ctx->used;
  for (int i = 0; i < 8; i++) pad[pad_size + i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(ctx, pad, pad_size + 8);
  for (int i = 0; i < 8; i++) store_be32(digest + 4 * i, ctx->state[i]);
}

// HMAC-SHA256 with the key's inner and outer states computed once: both PBKDF2 passes of a
// derivation use the same key (the password).
typedef struct {
  Sha256 inner, outer;
} Hmac;

static void hmac_init(Hmac* hmac, const uint8_t* key, uint32_t key_size) {
  uint8_t block[64] = {0};
  if (key_size > 64) {
    Sha256 ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, key, key_size);
    sha256_final(&ctx, block);
  } else {
    __builtin_memcpy(block, key, key_size);
  }
  uint8_t pad[64];
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
  sha256_init(&hmac->inner);
  sha256_update(&hmac->inner, pad, 64);
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
  sha256_init(&hmac->outer);
  sha256_update(&hmac->outer, pad, 64);
}

// PBKDF2-HMAC-SHA256 with one iteration, as scrypt uses it: block i is HMAC(salt || i).
static void pbkdf2_once(const Hmac* hmac, const uint8_t* salt, uint32_t salt_size, uint8_t* out,
                        uint32_t out_size) {
  for (uint32_t i = 1, done = 0; done < out_size; i++, done += 32) {
    uint8_t index[4], digest[32];
    store_be32(index, i);
    Sha256 ctx = hmac->inner;
    sha256_update(&ctx, salt, salt_size);
    sha256_update(&ctx, index, 4);
    sha256_final(&ctx, digest);
    ctx = hmac->outer;
    sha256_update(&ctx, digest, 32);
    sha256_final(&ctx, digest);
    uint32_t take = out_size - done < 32 ? out_size - done : 32;
    __builtin_memcpy(out + done, digest, take);
  }
}

// ------------------------------------------------------------------ Salsa20/8, BlockMix, ROMix

// A 64-byte block is kept as four vectors along its diagonals, so that each quarter-round of a
// column round, and of a row round, is one vector operation:
//   a = (x0, x5, x10, x15)  b = (x4, x9, x14, x3)  c = (x8, x13, x2, x7)  d = (x12, x1, x6, x11)
// In the row round the same roles are held by a, d rotated by one lane, c by two, b by three.
// Blocks stay in this order from ROMix's start to its end: everything else scrypt does to them
// is word by word.
static const int kDiagonalOrder[16] = {0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11};

#define ROTL(v, n) wasm_v128_or(wasm_i32x4_shl((v), (n)), wasm_u32x4_shr((v), 32 - (n)))
#define QUARTER(a, b, c, d)                               \
  do {                                                    \
    b = wasm_v128_xor(b, ROTL(wasm_i32x4_add(a, d), 7));  \
    c = wasm_v128_xor(c, ROTL(wasm_i32x4_add(b, a), 9));  \
    d = wasm_v128_xor(d, ROTL(wasm_i32x4_add(c, b), 13)); \
    a = wasm_v128_xor(a, ROTL(wasm_i32x4_add(d, c), 18)); \
  } while (0)

// x = x + Salsa20/8 rounds(x), on one block in diagonal order.
static inline void salsa20_8(v128_t x[4]) {
  v128_t a = x[0], b = x[1], c = x[2], d = x[3];
  for (int i = 0; i < 8; i += 2) {
    QUARTER(a, b, c, d);  // columns
    v128_t row_b = wasm_i32x4_shuffle(d, d, 1, 2, 3, 0);
    v128_t row_c = wasm_i32x4_shuffle(c, c, 2, 3, 0, 1);
    v128_t row_d = wasm_i32x4_shuffle(b, b, 3, 0, 1, 2);
    QUARTER(a, row_b, row_c, row_d);  // rows
    b = wasm_i32x4_shuffle(row_d, row_d, 1, 2, 3, 0);
    c = wasm_i32x4_shuffle(row_c, row_c, 2, 3, 0, 1);
    d = wasm_i32x4_shuffle(row_b, row_b, 3, 0, 1, 2);
  }
  x[0] = wasm_i32x4_add(x[0], a);
  x[1] = wasm_i32x4_add(x[1], b);
  x[2] = wasm_i32x4_add(x[2], c);
  x[3] = wasm_i32x4_add(x[3], d);
}

// out = BlockMix(in ^ mask) for 2r blocks (mask may be null). in and out do not overlap.
static void block_mix(const v128_t* in, const v128_t* mask, v128_t* out, uint32_t r) {
  v128_t x[4];
  const uint32_t last = (2 * r - 1) * 4;
  for (int k = 0; k < 4; k++)
    x[k] = mask ? wasm_v128_xor(in[last + k], mask[last + k]) : in[last + k];
  for (uint32_t i = 0; i < 2 * r; i++) {
    for (int k = 0; k < 4; k++) {
      v128_t word = mask ? wasm_v128_xor(in[4 * i + k], mask[4 * i + k]) : in[4 * i + k];
      x[k] = wasm_v128_xor(x[k], word);
    }
    salsa20_8(x);
    // Even blocks to the first half of the output, odd ones to the second.
    v128_t* to = out + 4 * ((i & 1) ? r + i / 2 : i / 2);
    for (int k = 0; k < 4; k++) to[k] = x[k];
  }
}

// The first word of the last block (x0 is lane 0 of a), as ROMix's index.
static inline uint32_t integerify(const v128_t* x, uint32_t r) {
  return (uint32_t)wasm_i32x4_extract_lane(x[(2 * r - 1) * 4], 0);
}

static inline uint32_t load_le32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

// ROMix on one 128r-byte chunk of B, in place. x and y hold 128r bytes each, v 128rN.
static void ro_mix(uint8_t* chunk, uint32_t r, uint32_t n, v128_t* x, v128_t* y, v128_t* v) {
  const uint32_t vectors = 8 * r;  // 16-byte vectors in 128r bytes
  uint32_t* words = (uint32_t*)x;
  for (uint32_t block = 0; block < 2 * r; block++) {
    for (int k = 0; k < 16; k++)
      words[16 * block + k] = load_le32(chunk + 64 * block + 4 * kDiagonalOrder[k]);
  }
  for (uint32_t i = 0; i < n; i += 2) {
    __builtin_memcpy(v + i * vectors, x, 128 * r);
    block_mix(x, 0, y, r);
    __builtin_memcpy(v + (i + 1) * vectors, y, 128 * r);
    block_mix(y, 0, x, r);
  }
  for (uint32_t i = 0; i < n; i += 2) {
    block_mix(x, v + (integerify(x, r) & (n - 1)) * vectors, y, r);
    block_mix(y, v + (integerify(y, r) & (n - 1)) * vectors, x, r);
  }
  for (uint32_t block = 0; block < 2 * r; block++) {
    for (int k = 0; k < 16; k++) {
      uint32_t word = words[16 * block + k];
      uint8_t* to = chunk + 64 * block + 4 * kDiagonalOrder[k];
      to[0] = (uint8_t)word;
      to[1] = (uint8_t)(word >> 8);
      to[2] = (uint8_t)(word >> 16);
      to[3] = (uint8_t)(word >> 24);
    }
  }
}

// ------------------------------------------------------------------ the exports

typedef struct {
  uint32_t password, salt, key;  // sizes
  uint32_t n, r, p;
} Shape;

static Shape reserved;

static uint32_t align16(uint32_t x) { return (x + 15) & ~15u; }

// Where each part of a derivation of this shape lives, from the heap's base: the password, the
// salt and the key, then B (128rp), X and Y (128r each), V (128rN). 0 when it would not fit in
// 32 bits.
static uint32_t layout(const Shape* s, uint32_t* b, uint32_t* x, uint32_t* y, uint32_t* v) {
  const uint64_t chunk = 128ull * s->r;
  uint64_t at = align16((uint32_t)(uintptr_t)&__heap_base);
  at += (uint64_t)s->password + s->salt + s->key;
  at = (at + 15) & ~15ull;
  *b = (uint32_t)at;
  at += chunk * s->p;
  *x = (uint32_t)at;
  at += chunk;
  *y = (uint32_t)at;
  at += chunk;
  *v = (uint32_t)at;
  at += chunk * s->n;
  return at > 0xfff00000ull ? 0 : (uint32_t)at;
}

// Makes room for derivations of this shape (N a power of two above 1; r, p and the sizes
// positive). Returns where the password goes, the salt right after it; 0 if the shape is not
// valid or the memory cannot grow.
EXPORT("scrypt_reserve")
uint32_t scrypt_reserve(uint32_t password, uint32_t salt, uint32_t key, uint32_t n, uint32_t r,
                        uint32_t p) {
  reserved = (Shape){0};
  if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0 || key == 0) return 0;
  if (password > (1u << 20) || salt > (1u << 20) || key > (1u << 20) || r > (1u << 16) || p > 1024)
    return 0;
  Shape shape = {password, salt, key, n, r, p};
  uint32_t b, x, y, v;
  const uint32_t end = layout(&shape, &b, &x, &y, &v);
  if (end == 0) return 0;
  const uint32_t have = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have &&
      __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (__SIZE_TYPE__)-1)
    return 0;
  reserved = shape;
  return align16((uint32_t)(uintptr_t)&__heap_base);
}

// Derives the key of the password and salt written where scrypt_reserve said, with its shape.
// Returns where the key is; 0 if nothing was reserved.
EXPORT("scrypt_derive")
uint32_t scrypt_derive(void) {
  const Shape s = reserved;
  if (s.n == 0) return 0;
  uint32_t b, x, y, v;
  layout(&s, &b, &x, &y, &v);
  uint8_t* password = (uint8_t*)(uintptr_t)align16((uint32_t)(uintptr_t)&__heap_base);
  uint8_t* salt = password + s.password;
  uint8_t* key = salt + s.salt;
  uint8_t* chunks = (uint8_t*)(uintptr_t)b;
  Hmac hmac;
  hmac_init(&hmac, password, s.password);
  pbkdf2_once(&hmac, salt, s.salt, chunks, 128 * s.r * s.p);
  for (uint32_t i = 0; i < s.p; i++) {
    ro_mix(chunks + 128 * s.r * i, s.r, s.n, (v128_t*)(uintptr_t)x, (v128_t*)(uintptr_t)y,
           (v128_t*)(uintptr_t)v);
  }
  pbkdf2_once(&hmac, chunks, 128 * s.r * s.p, key, s.key);
  return (uint32_t)(uintptr_t)key;
}
