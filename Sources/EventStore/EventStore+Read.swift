#if canImport(Glibc)
import Glibc
#endif

extension EventStore {
    /// Calls `body` with every record from `position` on, in position order, reading
    /// in place without copying: the replay path.
    ///
    /// Each record's checksum is verified as it is read; damage stops the scan with an
    /// error naming the segment, offset and position.
    ///
    /// - Parameters:
    ///   - position: The first position to deliver.
    ///   - through: The last position to deliver; default: the last committed record
    ///     when the call began.
    ///   - body: Called per record; return `false` to stop.
    /// - Throws: ``StoreError`` `corruptRecord` or `io`, or what `body` throws.
    /// - Complexity: O(n) in the bytes read.
    public func forEachRecord(from position: UInt64 = 0, through: UInt64? = nil,
                              _ body: (BorrowedRecord) throws -> Bool) throws {
        try forEachRecord(from: position, through: through, body, finish: {})
    }

    /// As ``forEachRecord(from:through:_:)``, and `finish` runs before it returns or
    /// throws, while the bytes of every record it delivered are still mapped: `verify`
    /// holds records' bytes from one call of `body` to the next instead of copying them.
    /// When the scan and `finish` both throw, `finish`'s error is thrown (it is about
    /// records delivered before the scan's).
    /// With `checksums` false the records' checksums are not checked: the caller checks
    /// them (``RecordFrame/storedChecksum(ofBody:)``).
    func forEachRecord(from position: UInt64, through: UInt64?, checksums: Bool = true,
                       _ body: (BorrowedRecord) throws -> Bool, finish: () throws -> Void) throws {
        let (sealed, active, end) = state.withLock { s in
            // Take only the offset where reading starts, never the index itself: a copy
            // held across appends would make each append copy it.
            let a = s.active.flatMap { a -> (ActiveFile, Int64, UInt64, Int64)? in
                let relative = position >= a.firstPosition ? Int(position - a.firstPosition) : 0
                guard relative < a.index.entries.count else { return nil }
                return (a.file, a.committedBytes, a.firstPosition + UInt64(relative), Int64(a.index.entries[relative].offset))
            }
            return (s.sealed, a, s.nextPosition)
        }
        // The mappings records were read from, kept until `finish` has run.
        var mapped: MappedFile?
        defer { withExtendedLifetime((sealed, mapped)) {} }
        func scan() throws {
            let last = min(through.map { $0 == .max ? .max : $0 + 1 } ?? end, end)
            guard position < last else { return }
            var p = position
            for seg in sealed where seg.endPosition > p {
                if p >= last { return }
                let (start, offset) = seg.index.seek(to: p)
                let keepGoing = try scanMapped(seg.data.bytes, path: seg.path, from: Int(offset), startPosition: start,
                                               deliverFrom: p, until: min(last, seg.endPosition), checksums: checksums, body)
                if !keepGoing { return }
                p = seg.endPosition
            }
            guard p < last, let (file, committed, startPosition, startOffset) = active, p <= startPosition else { return }
            // The active segment, through its read-only mapping, up to its committed length.
            let activeMapping = try file.mapped(covering: committed)
            mapped = activeMapping
            let bytes = UnsafeRawBufferPointer(rebasing: activeMapping.bytes[0..<Int(committed)])
            _ = try scanMapped(bytes, path: file.path, from: Int(startOffset), startPosition: startPosition,
                               deliverFrom: p, until: last, checksums: checksums, body)
        }
        do {
            try scan()
        } catch {
            try finish()
            throw error
        }
        try finish()
    }

    /// Scans records in mapped segment bytes. With `checksums` false the records'
    /// checksums are the caller's to check (`verify` checks four at a time); a frame
    /// found wrong is then judged with its checksum after all, so the error is the one a
    /// checked scan gives, and it is not recorded as the store's damage (the caller
    /// records what it reports).
    private func scanMapped(_ bytes: UnsafeRawBufferPointer, path: String, from offset: Int, startPosition: UInt64,
                            deliverFrom: UInt64, until: UInt64, checksums: Bool = true,
                            _ body: (BorrowedRecord) throws -> Bool) throws -> Bool {
        var at = offset
        var position = startPosition
        func failure(_ message: String) -> StoreError {
            var message = message
            if !checksums, case .corrupt(let reason) = RecordFrame.parse(bytes, at: at) { message = "record damaged: \(reason)" }
            let e = StoreError(.corruptRecord, message, path: path, position: position, offset: Int64(at))
            return checksums ? damaged(e) : e
        }
        while position < until {
            switch RecordFrame.parse(bytes, at: at, checksum: checksums) {
            case .record(let view, let next):
                guard view.position == position else {
                    throw failure("record holds position \(view.position) where \(position) was expected")
                }
                if position >= deliverFrom, try !body(BorrowedRecord(view: view)) { return false }
                position += 1
                at = next
            case .incomplete:
                throw failure("segment ends inside a committed record")
            case .corrupt(let reason):
                throw failure("record damaged: \(reason)")
            }
        }
        return true
    }

    /// Records damage so the store refuses to write past it, and returns the error.
    func damaged(_ e: StoreError) -> StoreError {
        state.withLock { s in if s.damage == nil { s.damage = e } }
        return e
    }

    /// The events of one stream from `version` on, in version order, through the
    /// persisted stream indexes: no scan of the log.
    ///
    /// - Parameters:
    ///   - stream: The stream name.
    ///   - version: The first version to return.
    ///   - maxCount: At most this many events.
    /// - Returns: The events; empty when the stream does not exist.
    /// - Complexity: O(log n) per segment whose Bloom filter admits the stream, plus
    ///   O(k) for k events returned.
    public func readStream(_ stream: String, from version: UInt64 = 0, maxCount: Int = Int.max) throws -> [RecordedEvent] {
        let hash = StreamHash.of(stream)
        let name = Array(stream.utf8)
        let (sealed, active, activeEntries) = state.withLock { s in
            (s.sealed, s.active.map { ($0.file, $0.committedBytes) }, s.active?.index.entries(hash: hash, from: version) ?? [])
        }
        var out: [RecordedEvent] = []
        var names = RecentNames()
        for seg in sealed {
            let entries = seg.index.entries(hash: hash, from: version)
            Self.touchAhead(entries.prefix(maxCount - out.count), in: seg.data.bytes)
            for e in entries {
                if out.count >= maxCount { return out }
                switch RecordFrame.parse(seg.data.bytes, at: Int(e.offset)) {
                case .record(let view, _):
                    if view.streamEquals(name) { out.append(view.materialize(stream: stream, names: &names)) }
                case .incomplete, .corrupt:
                    throw damaged(StoreError(.corruptRecord, "record of stream \(stream) version \(e.version) is damaged",
                                             path: seg.path, offset: Int64(e.offset)))
                }
            }
        }
        guard let (file, committed) = active, !activeEntries.isEmpty else { return out }
        let mapped = try file.mapped(covering: committed)
        let bytes = UnsafeRawBufferPointer(rebasing: mapped.bytes[0..<Int(committed)])
        Self.touchAhead(activeEntries.prefix(maxCount - out.count), in: bytes)
        for e in activeEntries {
            if out.count >= maxCount { return out }
            guard case .record(let view, _) = RecordFrame.parse(bytes, at: Int(e.offset)) else {
                throw damaged(StoreError(.corruptRecord, "record of stream \(stream) version \(e.version) is damaged",
                                         path: file.path, offset: Int64(e.offset)))
            }
            if view.streamEquals(name) { out.append(view.materialize(stream: stream, names: &names)) }
        }
        return out
    }

    /// Loads a byte of each cache line of the records `entries` point to, loads that do
    /// not wait for each other, so that the memory fetches them all at once instead of
    /// one after another as parsing each record would (a stream's records lie far apart).
    static func touchAhead(_ entries: ArraySlice<IndexEntry>, in bytes: UnsafeRawBufferPointer) {
        guard entries.count > 1 else { return }
        for e in entries {
            let at = Int(e.offset)
            MemoryTouch.touch(bytes, (at & ~63)..<(at + 256), every: 64)
        }
    }

    /// The last version of a stream, `nil` when it does not exist.
    ///
    /// - Complexity: as ``readStream(_:from:maxCount:)`` for the newest segment that
    ///   holds the stream.
    public func streamVersion(_ stream: String) throws -> UInt64? {
        let hash = StreamHash.of(stream)
        let name = Array(stream.utf8)
        let (sealed, active, activeEntries) = state.withLock { s in
            (s.sealed, s.active.map { ($0.file, $0.committedBytes) }, s.active?.index.entries(hash: hash, from: 0) ?? [])
        }
        return try Self.lastVersion(of: name, hash: hash, sealed: sealed, active: active, activeEntries: activeEntries)
    }

    /// Searches newest first: the active segment's entries, then each sealed segment's
    /// index, stopping at the first record of the stream (names are compared, so hash
    /// collisions are harmless).
    static func lastVersion(of name: [UInt8], hash: UInt64, sealed: [SealedSegment], active: (ActiveFile, Int64)?,
                            activeEntries: [IndexEntry]) throws -> UInt64? {
        if let (file, committed) = active, !activeEntries.isEmpty {
            let mapped = try file.mapped(covering: committed)
            let bytes = UnsafeRawBufferPointer(rebasing: mapped.bytes[0..<Int(committed)])
            for e in activeEntries.reversed() {
                guard case .record(let view, _) = RecordFrame.parse(bytes, at: Int(e.offset)) else {
                    throw StoreError(.corruptRecord, "index points to a damaged record", path: file.path, offset: Int64(e.offset))
                }
                if view.streamEquals(name) { return view.version }
            }
        }
        for seg in sealed.reversed() {
            for e in seg.index.entries(hash: hash, from: 0).reversed() {
                guard case .record(let view, _) = RecordFrame.parse(seg.data.bytes, at: Int(e.offset)) else {
                    throw StoreError(.corruptRecord, "index points to a damaged record", path: seg.path, offset: Int64(e.offset))
                }
                if view.streamEquals(name) { return view.version }
            }
        }
        return nil
    }
}
