// SHA-256 (FIPS 180-4) for the Merkle tree's leaf and node hashes: the CPU's SHA
// extensions where it has them, portable C otherwise. Checked in the tests against
// swift-crypto's SHA256 and the FIPS examples. `fp_sha256_3` hashes the concatenation
// of up to three byte ranges (`0x00 || record`, `0x01 || left || right` with no copy);
// `fp_sha256_leaves` and `fp_sha256_nodes` hash many messages at once, for verify.
#ifndef FP_SHA256_H
#define FP_SHA256_H
#include <stddef.h>
#include <stdint.h>

/// SHA-256 of a || b || c into out (32 bytes). Any length may be 0.
void fp_sha256_3(const void *a, size_t alen, const void *b, size_t blen, const void *c, size_t clen, uint8_t *out);

/// The leaf hashes SHA-256(0x00 || records[i]) of n records (lengths[i] bytes each, any
/// length) into out, 32 bytes each in order. With the SHA extensions four messages are
/// hashed at a time, their rounds interleaved.
void fp_sha256_leaves(const void *const *records, const size_t *lengths, size_t n, uint8_t *out);

/// The node hashes SHA-256(0x01 || children[64i ..< 64i+64]) of n pairs of child hashes
/// (left then right, 64 bytes a pair) into out, 32 bytes each; out must not overlap
/// children. Four at a time as ``fp_sha256_leaves``, the second block (the right child's
/// last byte and the padding) with its message schedule from a table of 256.
void fp_sha256_nodes(const uint8_t *children, size_t n, uint8_t *out);

/// 1 when the SHA extensions are in use, else 0.
int fp_sha256_hw_available(void);

/// Test hook: 0 forces the portable code, 1 restores detection.
void fp_sha256_use_hw(int enabled);
#endif
