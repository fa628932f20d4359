#if canImport(Glibc)
import Glibc
#endif

/// The writer's growable byte buffer: records are encoded into it with direct stores,
/// then written with one `pwrite`. Owned by the writing thread alone.
final class WriteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Bytes in use.
    private(set) var count = 0

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes and returns where they start; the caller
    /// fills them, then calls ``commit(_:)``.
    ///
    /// - Complexity: amortised O(1); O(n) when it grows.
    @inline(__always)
    func reserve(_ extra: Int) -> UnsafeMutableRawPointer {
        if count + extra > capacity {
            var c = capacity * 2
            while c < count + extra { c *= 2 }
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 16)
            bigger.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = bigger
            capacity = c
        }
        return base + count
    }

    @inline(__always)
    func commit(_ n: Int) { count += n }

    /// Drops everything from `offset` on.
    func truncate(to offset: Int) { count = min(count, offset) }

    /// Empties the buffer, keeping its memory (shrinking it when a huge batch grew it).
    func removeAll() {
        count = 0
        if capacity > 64 << 20 {
            base.deallocate()
            capacity = 1 << 20
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
    }

    /// The bytes in `range`.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
