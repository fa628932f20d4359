#include "fp_sha256.h"
#include <string.h>

static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t h[8], const uint8_t *p, size_t blocks) {
    while (blocks--) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++) {
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        }
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = hh + S1 + ch + K[i] + w[i];
            uint32_t S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
        p += 64;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// The SHA extensions: two rounds per sha256rnds2, the message schedule by
// sha256msg1/sha256msg2. State is kept as ABEF / CDGH, as the instructions want.
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t h[8], const uint8_t *p, size_t blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&h[0]);
    __m128i state1 = _mm_loadu_si128((const __m128i *)&h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                /* CDAB */
    state1 = _mm_shuffle_epi32(state1, 0x1B);          /* EFGH */
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  /* ABEF */
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);       /* CDGH */

    while (blocks--) {
        __m128i abef = state0, cdgh = state1;
        __m128i w[16];
        for (int j = 0; j < 4; j++) w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * j)), MASK);
        for (int j = 4; j < 16; j++) {
            __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(w[j - 4], w[j - 3]), _mm_alignr_epi8(w[j - 1], w[j - 2], 4));
            w[j] = _mm_sha256msg2_epu32(x, w[j - 1]);
        }
        for (int j = 0; j < 16; j++) {
            __m128i msg = _mm_add_epi32(w[j], _mm_load_si128((const __m128i *)&K[4 * j]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
        p += 64;
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);             /* FEBA */
    state1 = _mm_shuffle_epi32(state1, 0xB1);          /* DCHG */
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);       /* DCBA */
    state1 = _mm_alignr_epi8(state1, tmp, 8);          /* ABEF */
    _mm_storeu_si128((__m128i *)&h[0], state0);
    _mm_storeu_si128((__m128i *)&h[4], state1);
}

// Two independent messages of the same number of blocks, their rounds interleaved: a
// sha256rnds2 waits for the one before it in its own message only, so two messages
// keep the unit busy where one leaves it waiting.
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani_x2(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8], const uint8_t *pb, size_t blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i ta = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&ha[0]), 0xB1);
    __m128i a1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&ha[4]), 0x1B);
    __m128i a0 = _mm_alignr_epi8(ta, a1, 8);
    a1 = _mm_blend_epi16(a1, ta, 0xF0);
    __m128i tb = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&hb[0]), 0xB1);
    __m128i b1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&hb[4]), 0x1B);
    __m128i b0 = _mm_alignr_epi8(tb, b1, 8);
    b1 = _mm_blend_epi16(b1, tb, 0xF0);

    while (blocks--) {
        __m128i sa0 = a0, sa1 = a1, sb0 = b0, sb1 = b1;
        __m128i wa[16], wb[16];
        for (int j = 0; j < 4; j++) {
            wa[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 16 * j)), MASK);
            wb[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 16 * j)), MASK);
        }
        for (int j = 4; j < 16; j++) {
            __m128i xa = _mm_add_epi32(_mm_sha256msg1_epu32(wa[j - 4], wa[j - 3]), _mm_alignr_epi8(wa[j - 1], wa[j - 2], 4));
            __m128i xb = _mm_add_epi32(_mm_sha256msg1_epu32(wb[j - 4], wb[j - 3]), _mm_alignr_epi8(wb[j - 1], wb[j - 2], 4));
            wa[j] = _mm_sha256msg2_epu32(xa, wa[j - 1]);
            wb[j] = _mm_sha256msg2_epu32(xb, wb[j - 1]);
        }
        for (int j = 0; j < 16; j++) {
            __m128i k = _mm_load_si128((const __m128i *)&K[4 * j]);
            __m128i ma = _mm_add_epi32(wa[j], k), mb = _mm_add_epi32(wb[j], k);
            a1 = _mm_sha256rnds2_epu32(a1, a0, ma);
            b1 = _mm_sha256rnds2_epu32(b1, b0, mb);
            ma = _mm_shuffle_epi32(ma, 0x0E);
            mb = _mm_shuffle_epi32(mb, 0x0E);
            a0 = _mm_sha256rnds2_epu32(a0, a1, ma);
            b0 = _mm_sha256rnds2_epu32(b0, b1, mb);
        }
        a0 = _mm_add_epi32(a0, sa0);
        a1 = _mm_add_epi32(a1, sa1);
        b0 = _mm_add_epi32(b0, sb0);
        b1 = _mm_add_epi32(b1, sb1);
        pa += 64;
        pb += 64;
    }
    ta = _mm_shuffle_epi32(a0, 0x1B);
    a1 = _mm_shuffle_epi32(a1, 0xB1);
    _mm_storeu_si128((__m128i *)&ha[0], _mm_blend_epi16(ta, a1, 0xF0));
    _mm_storeu_si128((__m128i *)&ha[4], _mm_alignr_epi8(a1, ta, 8));
    tb = _mm_shuffle_epi32(b0, 0x1B);
    b1 = _mm_shuffle_epi32(b1, 0xB1);
    _mm_storeu_si128((__m128i *)&hb[0], _mm_blend_epi16(tb, b1, 0xF0));
    _mm_storeu_si128((__m128i *)&hb[4], _mm_alignr_epi8(b1, tb, 8));
}

static int detect_hw(void) {
    __builtin_cpu_init();
    unsigned int eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(7), "c"(0));
    int sha = (ebx >> 29) & 1;
    return sha && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
}
#else
static void compress_shani(uint32_t h[8], const uint8_t *p, size_t blocks) { compress_portable(h, p, blocks); }
static void compress_shani_x2(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8], const uint8_t *pb, size_t blocks) {
    compress_portable(ha, pa, blocks);
    compress_portable(hb, pb, blocks);
}
static int detect_hw(void) { return 0; }
#endif

static int hw_state = -1;  /* -1 unknown, 0 off, 1 on */

static inline int use_hw(void) {
    int s = __atomic_load_n(&hw_state, __ATOMIC_RELAXED);
    if (s < 0) {
        s = detect_hw();
        __atomic_store_n(&hw_state, s, __ATOMIC_RELAXED);
    }
    return s;
}

int fp_sha256_hw_available(void) { return use_hw(); }

void fp_sha256_use_hw(int enabled) { __atomic_store_n(&hw_state, enabled ? detect_hw() : 0, __ATOMIC_RELAXED); }

typedef struct {
    uint32_t h[8];
    uint8_t buf[64];
    size_t used;
    uint64_t total;
    int hw;
} ctx_t;

/// One message's blocks, with the SHA extensions or without.
static inline void compress_one(uint32_t h[8], const uint8_t *p, size_t blocks, int hw) {
    if (hw) compress_shani(h, p, blocks);
    else compress_portable(h, p, blocks);
}

static inline void compress(ctx_t *c, const uint8_t *p, size_t blocks) { compress_one(c->h, p, blocks, c->hw); }

/// The state's words, big-endian, as the digest.
static void put_digest(const uint32_t h[8], uint8_t *out) {
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

/// Two messages of `blocks` blocks each: their rounds interleaved with the SHA
/// extensions, one after the other without.
static void compress_pair(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8], const uint8_t *pb, size_t blocks) {
    if (use_hw()) {
        compress_shani_x2(ha, pa, hb, pb, blocks);
    } else {
        compress_portable(ha, pa, blocks);
        compress_portable(hb, pb, blocks);
    }
}

static void update(ctx_t *c, const uint8_t *p, size_t n) {
    c->total += n;
    if (c->used > 0) {
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->buf + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used < 64) return;
        compress(c, c->buf, 1);
        c->used = 0;
    }
    if (n >= 64) {
        compress(c, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    if (n > 0) {
        memcpy(c->buf, p, n);
        c->used = n;
    }
}

void fp_sha256_3(const void *a, size_t alen, const void *b, size_t blen, const void *cc, size_t clen, uint8_t *out) {
    ctx_t c;
    memcpy(c.h, H0, sizeof H0);
    c.used = 0;
    c.total = 0;
    c.hw = use_hw();
    if (alen) update(&c, (const uint8_t *)a, alen);
    if (blen) update(&c, (const uint8_t *)b, blen);
    if (clen) update(&c, (const uint8_t *)cc, clen);
    uint64_t bits = c.total * 8;
    uint8_t pad[72];
    size_t padlen = (c.used < 56 ? 56 - c.used : 120 - c.used);
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    update(&c, pad, padlen + 8);
    put_digest(c.h, out);
}

/// Pads `prefix || data` as SHA-256 wants into buf (whole blocks); returns the blocks.
static size_t pad_message(uint8_t prefix, const uint8_t *data, size_t len, uint8_t *buf) {
    size_t total = len + 1;
    size_t blocks = (total + 8) / 64 + 1;
    buf[0] = prefix;
    memcpy(buf + 1, data, len);
    memset(buf + total, 0, blocks * 64 - total);
    buf[total] = 0x80;
    uint64_t bits = (uint64_t)total * 8;
    for (int i = 0; i < 8; i++) buf[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
    return blocks;
}

void fp_sha256_leaf_x2(const void *a, size_t alen, const void *b, size_t blen, uint8_t *outa, uint8_t *outb) {
    uint8_t small_a[512], small_b[512];
    if (alen > sizeof small_a - 73 || blen > sizeof small_b - 73) {
        static const uint8_t zero = 0;
        fp_sha256_3(&zero, 1, a, alen, NULL, 0, outa);
        fp_sha256_3(&zero, 1, b, blen, NULL, 0, outb);
        return;
    }
    size_t na = pad_message(0, (const uint8_t *)a, alen, small_a);
    size_t nb = pad_message(0, (const uint8_t *)b, blen, small_b);
    uint32_t ha[8], hb[8];
    memcpy(ha, H0, sizeof H0);
    memcpy(hb, H0, sizeof H0);
    size_t both = na < nb ? na : nb;
    compress_pair(ha, small_a, hb, small_b, both);
    // The longer message's last blocks alone.
    if (na > both) compress_one(ha, small_a + 64 * both, na - both, use_hw());
    if (nb > both) compress_one(hb, small_b + 64 * both, nb - both, use_hw());
    put_digest(ha, outa);
    put_digest(hb, outb);
}

void fp_sha256_node_x2(const uint8_t *l1, const uint8_t *r1, const uint8_t *l2, const uint8_t *r2, uint8_t *out1, uint8_t *out2) {
    // 0x01 || left || right: 65 bytes, two blocks once padded.
    uint8_t lr1[64], lr2[64], m1[128], m2[128];
    memcpy(lr1, l1, 32); memcpy(lr1 + 32, r1, 32);
    memcpy(lr2, l2, 32); memcpy(lr2 + 32, r2, 32);
    pad_message(1, lr1, 64, m1);
    pad_message(1, lr2, 64, m2);
    uint32_t h1[8], h2[8];
    memcpy(h1, H0, sizeof H0);
    memcpy(h2, H0, sizeof H0);
    compress_pair(h1, m1, h2, m2, 2);
    put_digest(h1, out1);
    put_digest(h2, out2);
}
