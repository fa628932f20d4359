import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A sealed segment: full, never written again, memory-mapped for reading, with its
/// persisted (or rebuilt) stream index.
final class SealedSegment: Sendable {
    let path: String
    let header: SegmentHeader
    let data: MappedFile
    let index: SegmentIndex

    init(path: String, header: SegmentHeader, data: MappedFile, index: SegmentIndex) {
        self.path = path
        self.header = header
        self.data = data
        self.index = index
    }

    var firstPosition: UInt64 { header.firstPosition }
    var recordCount: UInt64 { index.recordCount }
    var endPosition: UInt64 { firstPosition + recordCount }
}

/// The open file of the active (last) segment. Closed when the last reference goes,
/// so a reader that took it under the lock can finish its `pread` after a roll.
final class ActiveFile: Sendable {
    let handle: FileHandle
    let header: SegmentHeader
    private let mapping = Mutex<MappedFile?>(nil)

    init(handle: FileHandle, header: SegmentHeader) {
        self.handle = handle
        self.header = header
    }

    var path: String { handle.path }

    /// A read-only mapping that covers at least the first `length` bytes. Writes by
    /// `pwrite` show through a shared mapping, so one mapping serves while the segment
    /// grows; it is replaced (with room to spare) only when the segment outgrows it.
    /// Read only the committed bytes through it.
    func mapped(covering length: Int64) throws -> MappedFile {
        try mapping.withLock { m in
            if let m, m.count >= Int(length) { return m }
            let reserve = max(Int(length) * 2, 64 << 20)
            let fresh = try MappedFile(handle: handle, length: reserve)
            m = fresh
            return fresh
        }
    }

    deinit { handle.close() }
}

/// The active segment as readers see it: its file, how many bytes of it hold whole
/// committed records, and the in-memory index of those records.
struct ActiveSegment {
    var file: ActiveFile
    var committedBytes: Int64
    var index: ActiveIndex

    var firstPosition: UInt64 { file.header.firstPosition }
    var recordCount: UInt64 { UInt64(index.entries.count) }
    var endPosition: UInt64 { firstPosition + recordCount }
}

/// What a scan of segment bytes found.
struct SegmentScan {
    /// Index entries of the whole committed records, in position order.
    var entries: [IndexEntry] = []
    /// Offset just past the last committed record.
    var committedEnd: Int64
    /// Position after the last committed record.
    var nextPosition: UInt64
    /// Recorded time of the last committed record.
    var lastRecorded: Int64 = 0
    /// Whole records after the last commit (an append that never completed).
    var uncommittedRecords = 0
    /// Damage: bytes that are not a torn tail.
    var damage: StoreError?
    var streamsStarted: UInt64 = 0

    /// Scans records from `start` to the end of `bytes`, which begins at file offset
    /// `base`, expecting the first record at `position`.
    ///
    /// A record that runs past the end, or bad bytes after which no valid record
    /// follows, is a torn tail: the scan stops at the last commit. Bad bytes followed
    /// by a valid record are damage: reported, with the segment and offset.
    ///
    /// - Complexity: O(n) in the bytes scanned.
    static func scan(_ bytes: UnsafeRawBufferPointer, base: Int64, start: Int, position: UInt64, path: String) -> SegmentScan {
        var result = SegmentScan(committedEnd: base + Int64(start), nextPosition: position)
        var pending: [IndexEntry] = []
        var pendingStarted: UInt64 = 0
        var offset = start
        var expected = position
        var lastRecorded: Int64 = 0
        while offset < bytes.count {
            switch RecordFrame.parse(bytes, at: offset) {
            case .record(let view, let next):
                guard view.position == expected else {
                    result.damage = StoreError(
                        .corruptRecord, "record holds position \(view.position) where \(expected) was expected",
                        path: path, position: expected, offset: base + Int64(offset))
                    result.uncommittedRecords = pending.count
                    return result
                }
                let hash = StreamHash.of(view.streamBytes)
                pending.append(IndexEntry(hash: hash, version: view.version, offset: UInt64(base) + UInt64(offset)))
                if view.version == 0 { pendingStarted += 1 }
                lastRecorded = view.recordedMicros
                expected += 1
                offset = next
                if view.commits {
                    result.entries.append(contentsOf: pending)
                    result.streamsStarted += pendingStarted
                    pending.removeAll(keepingCapacity: true)
                    pendingStarted = 0
                    result.committedEnd = base + Int64(next)
                    result.nextPosition = expected
                    result.lastRecorded = lastRecorded
                }
            case .incomplete:
                result.uncommittedRecords = pending.count
                return result
            case .corrupt(let reason):
                if validRecordFollows(bytes, after: offset, position: expected) {
                    result.damage = StoreError(
                        .corruptRecord, "record damaged: \(reason)", path: path, position: expected,
                        offset: base + Int64(offset))
                }
                result.uncommittedRecords = pending.count
                return result
            }
        }
        result.uncommittedRecords = pending.count
        return result
    }

    /// Whether any valid record frame starts after `offset` with a position at or past
    /// `position`: the difference between damage and a torn tail.
    ///
    /// - Complexity: O(n) offsets tried, each rejected in O(1) unless its length and
    ///   position are plausible.
    static func validRecordFollows(_ bytes: UnsafeRawBufferPointer, after offset: Int, position: UInt64) -> Bool {
        var at = offset + 1
        let minimum = RecordFrame.frameHeaderSize + RecordFrame.bodyHeaderSize + 3
        while at + minimum <= bytes.count {
            let length = Int(bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self).littleEndian)
            if length >= RecordFrame.bodyHeaderSize + 3, at + RecordFrame.frameHeaderSize + length <= bytes.count {
                let p = bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self).littleEndian
                if p >= position, p - position < (1 << 32), case .record = RecordFrame.parse(bytes, at: at) {
                    return true
                }
            }
            at += 1
        }
        return false
    }
}
