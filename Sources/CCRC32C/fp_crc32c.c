#include "fp_crc32c.h"
#include <string.h>

#if defined(__x86_64__)
static inline uint64_t word_at(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/// The last 0-7 bytes: four, two, one at a time.
__attribute__((target("sse4.2")))
static inline uint32_t finish_bytes(uint32_t c, const uint8_t *p, size_t n) {
    if (n & 4) { uint32_t w; memcpy(&w, p, 4); c = __builtin_ia32_crc32si(c, w); p += 4; }
    if (n & 2) { uint16_t w; memcpy(&w, p, 2); c = __builtin_ia32_crc32hi(c, w); p += 2; }
    if (n & 1) c = __builtin_ia32_crc32qi(c, *p);
    return c;
}

__attribute__((target("sse4.2")))
static uint32_t update_sse42(uint32_t state, const uint8_t *p, size_t n) {
    uint64_t c = state;
    for (; n >= 8; p += 8, n -= 8) c = __builtin_ia32_crc32di(c, word_at(p));
    return finish_bytes((uint32_t)c, p, n);
}

int fp_crc32c_hw_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

uint32_t fp_crc32c_hw_update(uint32_t state, const void *bytes, size_t count) {
    return update_sse42(state, (const uint8_t *)bytes, count);
}

__attribute__((target("sse4.2")))
void fp_crc32c_hw_many(const void *const *pointers, const size_t *lengths, size_t n, uint32_t *out) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint8_t *p[4];
        size_t words[4], most = 0;
        uint64_t c[4];
        for (int k = 0; k < 4; k++) {
            p[k] = pointers[i + k];
            words[k] = lengths[i + k] / 8;
            if (words[k] > most) most = words[k];
            c[k] = 0xFFFFFFFF;
        }
        // Word by word, the four side by side while each has words left.
        for (size_t w = 0; w < most; w++) {
            for (int k = 0; k < 4; k++) {
                if (w < words[k]) c[k] = __builtin_ia32_crc32di(c[k], word_at(p[k] + 8 * w));
            }
        }
        for (int k = 0; k < 4; k++) {
            out[i + k] = ~finish_bytes((uint32_t)c[k], p[k] + 8 * words[k], lengths[i + k] % 8);
        }
    }
    for (; i < n; i++) out[i] = ~update_sse42(0xFFFFFFFF, pointers[i], lengths[i]);
}
#else
int fp_crc32c_hw_available(void) { return 0; }
void fp_crc32c_hw_many(const void *const *pointers, const size_t *lengths, size_t n, uint32_t *out) {
    (void)pointers; (void)lengths; (void)n; (void)out;
}
uint32_t fp_crc32c_hw_update(uint32_t state, const void *bytes, size_t count) {
    (void)bytes; (void)count;
    return state;
}
#endif
