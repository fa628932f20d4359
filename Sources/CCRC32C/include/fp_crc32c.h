// Hardware CRC-32C (the SSE 4.2 `crc32` instruction). The Swift table-driven
// implementation in EventStore/CRC32C.swift is the reference and the fallback.
#ifndef FP_CRC32C_H
#define FP_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the instruction, else 0.
int fp_crc32c_hw_available(void);

/// Continues an un-finalised CRC-32C state (callers pass ~crc and take ~result).
uint32_t fp_crc32c_hw_update(uint32_t state, const void *bytes, size_t count);

/// The finished CRC-32C of each of n buffers (pointers[i], lengths[i] bytes) into
/// out[i], with the instruction: four buffers at a time, their steps interleaved (one
/// buffer's steps wait for each other; four keep the unit busy). Only where
/// fp_crc32c_hw_available() is 1.
void fp_crc32c_hw_many(const void *const *pointers, const size_t *lengths, size_t n, uint32_t *out);
#endif
