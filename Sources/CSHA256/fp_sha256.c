#include "fp_sha256.h"
#include <stdint.h>
#include <pthread.h>
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
// sha256msg1/sha256msg2. The state is kept as ABEF / CDGH, as the instructions want.
typedef struct {
    __m128i abef, cdgh;
} state_t;

__attribute__((target("sha,sse4.1,ssse3")))
static inline void state_in(const uint32_t h[8], state_t *t) {
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);  /* CDAB */
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);  /* EFGH */
    t->abef = _mm_alignr_epi8(dcba, efgh, 8);
    t->cdgh = _mm_blend_epi16(efgh, dcba, 0xF0);
}

__attribute__((target("sha,sse4.1,ssse3")))
static inline void state_out(const state_t *t, uint32_t h[8]) {
    __m128i feba = _mm_shuffle_epi32(t->abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(t->cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

// The message schedules of one block of n (1, 2 or 4) messages: w[i][j] holds message
// i's words of rounds 4j ..< 4j+4 (sha256msg1/sha256msg2 make words 16 ..< 64). The
// messages side by side: each one's words wait on its own.
__attribute__((target("sha,sse4.1,ssse3"), always_inline))
static inline void schedule(int n, const uint8_t *const p[], __m128i *const w[]) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    for (int j = 0; j < 4; j++) {
        for (int i = 0; i < n; i++) w[i][j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p[i] + 16 * j)), MASK);
    }
    for (int j = 4; j < 16; j++) {
        for (int i = 0; i < n; i++) {
            __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(w[i][j - 4], w[i][j - 3]), _mm_alignr_epi8(w[i][j - 1], w[i][j - 2], 4));
            w[i][j] = _mm_sha256msg2_epu32(x, w[i][j - 1]);
        }
    }
}

// The 64 rounds of one block of n (1, 2 or 4) independent messages whose schedules are
// made (`schedule`, or a table's: a node's second block). A sha256rnds2 waits for the one
// before it in its own message only, so several messages' rounds interleaved keep the SHA
// unit busy where one leaves it waiting (measured on an EPYC: 38 ns a block for one
// message, 25 for two, 21 for four; 11 for four when the schedule is a table's).
__attribute__((target("sha,sse4.1,ssse3"), always_inline))
static inline void rounds(int n, state_t *const t[], const __m128i *const w[]) {
    __m128i a[4], b[4];
    for (int i = 0; i < n; i++) { a[i] = t[i]->abef; b[i] = t[i]->cdgh; }
    for (int j = 0; j < 16; j++) {
        __m128i k = _mm_load_si128((const __m128i *)&K[4 * j]), m[4];
        for (int i = 0; i < n; i++) {
            m[i] = _mm_add_epi32(_mm_load_si128(w[i] + j), k);
            b[i] = _mm_sha256rnds2_epu32(b[i], a[i], m[i]);
        }
        for (int i = 0; i < n; i++) a[i] = _mm_sha256rnds2_epu32(a[i], b[i], _mm_shuffle_epi32(m[i], 0x0E));
    }
    for (int i = 0; i < n; i++) {
        t[i]->abef = _mm_add_epi32(t[i]->abef, a[i]);
        t[i]->cdgh = _mm_add_epi32(t[i]->cdgh, b[i]);
    }
}

// One block of n (1, 2 or 4) messages: their schedules, then their rounds.
__attribute__((target("sha,sse4.1,ssse3"), always_inline))
static inline void block(int n, state_t *const t[], const uint8_t *const p[]) {
    __m128i w[4][16];
    schedule(n, p, (__m128i *const[]){w[0], w[1], w[2], w[3]});
    rounds(n, t, (const __m128i *const[]){w[0], w[1], w[2], w[3]});
}

__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t h[8], const uint8_t *p, size_t blocks) {
    state_t t;
    state_in(h, &t);
    for (; blocks > 0; blocks--, p += 64) block(1, (state_t *const[]){&t}, (const uint8_t *const[]){p});
    state_out(&t, h);
}

static int detect_hw(void) {
    __builtin_cpu_init();
    unsigned int eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(7), "c"(0));
    int sha = (ebx >> 29) & 1;
    return sha && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
}
#define HAVE_SHANI 1
#else
static void compress_shani(uint32_t h[8], const uint8_t *p, size_t blocks) { compress_portable(h, p, blocks); }
static int detect_hw(void) { return 0; }
#define HAVE_SHANI 0
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
static inline void compress(ctx_t *c, const uint8_t *p, size_t blocks) {
    if (c->hw) compress_shani(c->h, p, blocks);
    else compress_portable(c->h, p, blocks);
}

/// The state's words, big-endian, as the digest.
static void put_digest(const uint32_t h[8], uint8_t *out) {
    for (int i = 0; i < 8; i++) {
        uint32_t be = __builtin_bswap32(h[i]);
        memcpy(out + 4 * i, &be, 4);
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

/// One message `prefix || data` as the many-message hasher reads it, block by block:
/// its first block copied (it starts with the prefix), the whole blocks after it read in
/// place, its last bytes and the padding copied into `tail`.
typedef struct {
    const uint8_t *data;
    size_t blocks;   /* all of them, the padding's included */
    size_t whole;    /* blocks of prefix || data with no padding in them */
    size_t next;     /* the next block to compress */
    size_t shape;    /* the length of the message the padding in `tail` is for, or SIZE_MAX */
    uint8_t *out;
    uint8_t head[64];
    uint8_t tail[128];
} message_t;

static void message_start(message_t *m, uint8_t prefix, const uint8_t *data, size_t len, uint8_t *out) {
    size_t total = len + 1;
    m->data = data;
    m->blocks = (total + 8) / 64 + 1;
    m->whole = total / 64;
    m->next = 0;
    m->out = out;
    size_t rest;  /* bytes of prefix || data in the tail */
    if (m->whole > 0) {
        m->head[0] = prefix;
        memcpy(m->head + 1, data, 63);
        rest = total - 64 * m->whole;
        if (rest > 0) memcpy(m->tail, data + 64 * m->whole - 1, rest);
    } else {
        m->tail[0] = prefix;
        if (len > 0) memcpy(m->tail + 1, data, len);
        rest = total;
    }
    // The lane's last message had this length (nodes always do): its padding stands.
    if (m->shape == len) return;
    m->shape = len;
    size_t tail_len = 64 * (m->blocks - m->whole);
    memset(m->tail + rest, 0, tail_len - rest);
    m->tail[rest] = 0x80;
    uint64_t bits = (uint64_t)total * 8;
    for (int i = 0; i < 8; i++) m->tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
}

static inline const uint8_t *message_block(const message_t *m, size_t j) {
    if (j >= m->whole) return m->tail + 64 * (j - m->whole);
    return j == 0 ? m->head : m->data + 64 * j - 1;
}

/// Where the messages come from: an array of pointers and lengths (records), or one
/// array of equal pieces (pairs of child hashes).
typedef struct {
    uint8_t prefix;
    const void *const *pointers;
    const size_t *lengths;
    const uint8_t *pieces;
    size_t piece_len;
} source_t;

static inline void source_start(const source_t *s, size_t i, message_t *m, uint8_t *out) {
    if (s->pointers) message_start(m, s->prefix, (const uint8_t *)s->pointers[i], s->lengths[i], out + 32 * i);
    else message_start(m, s->prefix, s->pieces + s->piece_len * i, s->piece_len, out + 32 * i);
}

static void hash_many_portable(const source_t *s, size_t n, uint8_t *out) {
    message_t m;
    m.shape = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        source_start(s, i, &m, out);
        uint32_t h[8];
        memcpy(h, H0, sizeof H0);
        for (size_t j = 0; j < m.blocks; j++) compress_portable(h, message_block(&m, j), 1);
        put_digest(h, m.out);
    }
}

#if HAVE_SHANI
/// Four lanes, each hashing one message at a time: every step compresses the next block
/// of every busy lane at once (four, two or one at a time), and a lane whose message is
/// done takes the next one, so messages of different lengths keep the lanes full.
__attribute__((target("sha,sse4.1,ssse3"), always_inline))
static inline void hash_many_lanes(const source_t *s, size_t n, uint8_t *out) {
    enum { LANES = 4 };
    message_t m[LANES];
    state_t t[LANES];
    int busy[LANES] = {0};
    size_t started = 0;
    state_t h0;
    state_in(H0, &h0);
    for (int k = 0; k < LANES && started < n; k++, started++) {
        m[k].shape = SIZE_MAX;
        source_start(s, started, &m[k], out);
        t[k] = h0;
        busy[k] = 1;
    }
    for (;;) {
        int lane[LANES], count = 0;
        for (int k = 0; k < LANES; k++) if (busy[k]) lane[count++] = k;
        if (count == 0) break;
        // As many blocks as every busy lane has left.
        size_t steps = SIZE_MAX;
        for (int i = 0; i < count; i++) {
            size_t left = m[lane[i]].blocks - m[lane[i]].next;
            if (left < steps) steps = left;
        }
        // Four, two or one lanes at a time (three: two, then one), their states kept in
        // registers through the blocks.
        for (int first = 0; first < count;) {
            int width = count - first >= 4 ? 4 : count - first >= 2 ? 2 : 1;
            state_t u[4];
            for (int i = 0; i < width; i++) u[i] = t[lane[first + i]];
            for (size_t j = 0; j < steps; j++) {
                const uint8_t *p[4];
                for (int i = 0; i < width; i++) p[i] = message_block(&m[lane[first + i]], m[lane[first + i]].next + j);
                state_t *const us[4] = {&u[0], &u[1], &u[2], &u[3]};
                if (width == 4) block(4, us, p);
                else if (width == 2) block(2, us, p);
                else block(1, us, p);
            }
            for (int i = 0; i < width; i++) t[lane[first + i]] = u[i];
            first += width;
        }
        for (int i = 0; i < count; i++) {
            int k = lane[i];
            m[k].next += steps;
            if (m[k].next < m[k].blocks) continue;
            uint32_t h[8];
            state_out(&t[k], h);
            put_digest(h, m[k].out);
            if (started < n) {
                source_start(s, started++, &m[k], out);
                t[k] = h0;
            } else {
                busy[k] = 0;
            }
        }
    }
}

// The same code twice: with AVX2 the compiler encodes the vector instructions with three
// operands (VEX) and spares the register copies the two-operand forms need, about 10%
// faster (the SHA instructions themselves have no such form).
__attribute__((target("sha,sse4.1,ssse3")))
static void hash_many_shani(const source_t *s, size_t n, uint8_t *out) { hash_many_lanes(s, n, out); }

__attribute__((target("sha,sse4.1,ssse3,avx2")))
static void hash_many_shani_avx2(const source_t *s, size_t n, uint8_t *out) { hash_many_lanes(s, n, out); }

static int has_avx2(void) {
    static int known = -1;
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k < 0) {
        __builtin_cpu_init();
        k = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k;
}
#endif

#if HAVE_SHANI
// A node's message, 0x01 || left || right, is 65 bytes: its second block is the last
// byte of `right`, then the padding, which never changes. So that block's message
// schedule is one of 256, computed once.
static __m128i node_tail_schedule[256][16] __attribute__((aligned(16)));
static pthread_once_t node_tail_once = PTHREAD_ONCE_INIT;

__attribute__((target("sse4.1")))
static void node_tail_init(void) {
    for (int last = 0; last < 256; last++) {
        uint32_t w[64] = {0};
        w[0] = (uint32_t)last << 24 | 0x80u << 16;
        w[15] = 65 * 8;
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        for (int j = 0; j < 16; j++) {
            node_tail_schedule[last][j] = _mm_set_epi32((int)w[4 * j + 3], (int)w[4 * j + 2], (int)w[4 * j + 1], (int)w[4 * j]);
        }
    }
}

/// Nodes four at a time: the first blocks as any message's, the second from the table.
/// Returns how many were hashed (a multiple of four); the caller hashes the rest.
__attribute__((target("sha,sse4.1,ssse3"), always_inline))
static inline size_t nodes_in_fours(const uint8_t *children, size_t n, uint8_t *out) {
    pthread_once(&node_tail_once, node_tail_init);
    state_t h0;
    state_in(H0, &h0);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint8_t head[4][64];
        state_t t[4];
        for (int k = 0; k < 4; k++) {
            head[k][0] = 1;
            memcpy(head[k] + 1, children + 64 * (i + k), 63);
            t[k] = h0;
        }
        block(4, (state_t *const[]){&t[0], &t[1], &t[2], &t[3]}, (const uint8_t *const[]){head[0], head[1], head[2], head[3]});
#define TAIL(k) node_tail_schedule[children[64 * (i + k) + 63]]
        rounds(4, (state_t *const[]){&t[0], &t[1], &t[2], &t[3]}, (const __m128i *const[]){TAIL(0), TAIL(1), TAIL(2), TAIL(3)});
#undef TAIL
        for (int k = 0; k < 4; k++) {
            uint32_t h[8];
            state_out(&t[k], h);
            put_digest(h, out + 32 * (i + k));
        }
    }
    return i;
}

__attribute__((target("sha,sse4.1,ssse3")))
static size_t nodes_shani(const uint8_t *children, size_t n, uint8_t *out) { return nodes_in_fours(children, n, out); }

__attribute__((target("sha,sse4.1,ssse3,avx2")))
static size_t nodes_shani_avx2(const uint8_t *children, size_t n, uint8_t *out) { return nodes_in_fours(children, n, out); }
#endif

static void hash_many(const source_t *s, size_t n, uint8_t *out) {
#if HAVE_SHANI
    if (use_hw()) {
        if (has_avx2()) hash_many_shani_avx2(s, n, out);
        else hash_many_shani(s, n, out);
        return;
    }
#endif
    hash_many_portable(s, n, out);
}

void fp_sha256_leaves(const void *const *records, const size_t *lengths, size_t n, uint8_t *out) {
    source_t s = {0, records, lengths, NULL, 0};
    hash_many(&s, n, out);
}

void fp_sha256_nodes(const uint8_t *children, size_t n, uint8_t *out) {
    size_t done = 0;
#if HAVE_SHANI
    if (use_hw()) done = has_avx2() ? nodes_shani_avx2(children, n, out) : nodes_shani(children, n, out);
#endif
    source_t s = {1, NULL, NULL, children + 64 * done, 64};
    hash_many(&s, n - done, out + 32 * done);
}
