#include "fp_crc32c.h"
#include <string.h>

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t update_sse42(uint32_t state, const uint8_t *p, size_t n) {
    uint64_t c = state;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p++;
        n--;
    }
    return c32;
}

int fp_crc32c_hw_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

uint32_t fp_crc32c_hw_update(uint32_t state, const void *bytes, size_t count) {
    return update_sse42(state, (const uint8_t *)bytes, count);
}
__attribute__((target("sse4.2")))
static inline uint64_t word_at(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

__attribute__((target("sse4.2")))
void fp_crc32c_hw_many(const void *const *pointers, const size_t *lengths, size_t n, uint32_t *out) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint8_t *p0 = pointers[i], *p1 = pointers[i + 1], *p2 = pointers[i + 2], *p3 = pointers[i + 3];
        size_t common = lengths[i];
        for (int k = 1; k < 4; k++) if (lengths[i + k] < common) common = lengths[i + k];
        uint64_t c0 = 0xFFFFFFFF, c1 = 0xFFFFFFFF, c2 = 0xFFFFFFFF, c3 = 0xFFFFFFFF;
        size_t at = 0;
        for (; at + 8 <= common; at += 8) {
            c0 = __builtin_ia32_crc32di(c0, word_at(p0 + at));
            c1 = __builtin_ia32_crc32di(c1, word_at(p1 + at));
            c2 = __builtin_ia32_crc32di(c2, word_at(p2 + at));
            c3 = __builtin_ia32_crc32di(c3, word_at(p3 + at));
        }
        out[i] = ~update_sse42((uint32_t)c0, p0 + at, lengths[i] - at);
        out[i + 1] = ~update_sse42((uint32_t)c1, p1 + at, lengths[i + 1] - at);
        out[i + 2] = ~update_sse42((uint32_t)c2, p2 + at, lengths[i + 2] - at);
        out[i + 3] = ~update_sse42((uint32_t)c3, p3 + at, lengths[i + 3] - at);
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
