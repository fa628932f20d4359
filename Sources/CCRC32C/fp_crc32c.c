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
#else
int fp_crc32c_hw_available(void) { return 0; }
uint32_t fp_crc32c_hw_update(uint32_t state, const void *bytes, size_t count) {
    (void)bytes; (void)count;
    return state;
}
#endif
