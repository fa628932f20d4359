// SHA-256 (FIPS 180-4) for the Merkle tree's leaf and node hashes: the CPU's SHA
// extensions where it has them, portable C otherwise. Checked in the tests against
// swift-crypto's SHA256 and the FIPS examples. One call hashes the concatenation of up
// to three byte ranges, so `0x00 || record` and `0x01 || left || right` need no copy.
#ifndef FP_SHA256_H
#define FP_SHA256_H
#include <stddef.h>
#include <stdint.h>

/// SHA-256 of a || b || c into out (32 bytes). Any length may be 0.
void fp_sha256_3(const void *a, size_t alen, const void *b, size_t blen, const void *c, size_t clen, uint8_t *out);

/// The leaf hashes SHA-256(0x00 || a) and SHA-256(0x00 || b) at once: with the SHA
/// extensions the two messages' rounds are interleaved (records of up to 439 bytes;
/// longer ones, or no extensions, one after the other).
void fp_sha256_leaf_x2(const void *a, size_t alen, const void *b, size_t blen, uint8_t *outa, uint8_t *outb);

/// The node hashes SHA-256(0x01 || l1 || r1) and SHA-256(0x01 || l2 || r2) at once (each
/// argument 32 bytes), interleaved as ``fp_sha256_leaf_x2``.
void fp_sha256_node_x2(const uint8_t *l1, const uint8_t *r1, const uint8_t *l2, const uint8_t *r2, uint8_t *out1, uint8_t *out2);

/// 1 when the SHA extensions are in use, else 0.
int fp_sha256_hw_available(void);

/// Test hook: 0 forces the portable code, 1 restores detection.
void fp_sha256_use_hw(int enabled);
#endif
