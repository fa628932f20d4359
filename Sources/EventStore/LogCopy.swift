/// Copies a log into another, possibly on another backend, record for record: the same
/// positions, versions, recorded times and batch ends, so the copy's Merkle digest
/// equals the source's (`fprepl copy`).
public enum LogCopy {
    /// What a copy did.
    public struct Report: Sendable, Equatable {
        /// Records the destination already held (the first ones of the source).
        public var kept: UInt64
        /// Records copied now.
        public var copied: UInt64
        /// The digest both logs now have.
        public var digest: Digest
    }

    /// Records gathered before they are written, cut at the first batch end after.
    public static let chunk = 10_000

    /// Copies every record of `source` that `destination` lacks. The destination must be
    /// empty or hold exactly the source's first records (a copy that stopped part way
    /// resumes); anything else is refused before a byte is written.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` when the destination is not a prefix
    ///   of the source, `corruptRecord` when the digests differ after the copy, and what
    ///   either log throws.
    public static func run(from source: any EventLog, to destination: any EventLog,
                           progress: ((UInt64, UInt64) -> Void)? = nil) throws -> Report {
        try source.refresh()
        let total = source.endPosition
        let kept = destination.endPosition
        if kept > 0 {
            guard kept <= total else {
                throw StoreError(.invalidArgument, "the destination holds \(kept) records, more than the source's \(total)",
                                 path: destination.location)
            }
            guard try destination.digest().root == source.digest(size: kept).root else {
                throw StoreError(.invalidArgument, "the destination holds \(kept) records that are not the source's first \(kept) "
                    + "(their digests differ); copy into an empty store", path: destination.location)
            }
        }
        var pending: [CopiedRecord] = []
        var copied: UInt64 = 0
        try source.forEachRecord(from: kept, through: total == 0 ? nil : total - 1) { r in
            pending.append(r.copied())
            if pending.count >= chunk, r.endsBatch {
                try destination.appendCopies(pending)
                copied += UInt64(pending.count)
                pending.removeAll(keepingCapacity: true)
                progress?(kept + copied, total)
            }
            return true
        }
        if !pending.isEmpty {
            guard pending.last?.endsBatch == true else {
                throw StoreError(.corruptRecord, "the source ends inside a batch at position \(kept + copied + UInt64(pending.count) - 1)",
                                 path: source.location)
            }
            try destination.appendCopies(pending)
            copied += UInt64(pending.count)
        }
        progress?(kept + copied, total)
        let theirs = try source.digest(size: total)
        let ours = try destination.digest()
        guard ours == theirs else {
            throw StoreError(.corruptRecord, "after the copy the destination's digest (\(ours.size) records, \(ours.root.hex)) "
                + "differs from the source's (\(theirs.size) records, \(theirs.root.hex))", path: destination.location)
        }
        return Report(kept: kept, copied: copied, digest: ours)
    }
}
