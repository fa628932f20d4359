import Synchronization

/// Loads from memory that only bring it in: a byte every so many of a range, loads that
/// do not wait for each other, so that the memory (or, for a mapping not yet read, the
/// disk) fetches them together before the work that needs them, which would fetch them
/// one after another. A stream's history touches its records' cache lines; `verify`'s
/// reader touches the pages of the piece a core takes next.
enum MemoryTouch {
    /// Loads one byte every `stride` bytes of `range` (clipped to `bytes`).
    static func touch(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, every stride: Int) {
        guard let base = bytes.baseAddress else { return }
        var sum = 0
        var at = max(0, range.lowerBound)
        let end = min(range.upperBound, bytes.count)
        while at < end {
            sum &+= Int(base.load(fromByteOffset: at, as: UInt8.self))
            at += stride
        }
        sink.store(sum, ordering: .relaxed)  // kept, so that the loads are not left out
    }

    private static let sink = Atomic<Int>(0)
}
