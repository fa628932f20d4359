import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One caller's append, waiting for a group leader (possibly itself) to write it.
///
/// A waiting caller sleeps on its own semaphore until the leader completes its request,
/// or hands it the leadership; it never queues on the writer lock just to learn that
/// its append is done.
final class AppendRequest: Sendable {
    let writes: [StreamWrite]
    /// For a copy from another log: each record's recorded time and batch end, kept
    /// instead of assigned.
    let copy: CopyPlan?
    /// The position the first record must take, when the caller needs it to (records
    /// that refer to each other by position; a copy); else wherever the log is.
    let expectedStart: UInt64?
    private let outcome = Mutex<Result<AppendResult, StoreError>?>(nil)
    private let leadership = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)

    init(writes: [StreamWrite], copy: CopyPlan? = nil, expectedStart: UInt64? = nil) {
        self.writes = writes
        self.copy = copy
        self.expectedStart = expectedStart
    }

    var result: Result<AppendResult, StoreError>? { outcome.withLock { $0 } }

    func complete(_ r: Result<AppendResult, StoreError>) {
        outcome.withLock { $0 = r }
        wake.signal()
    }

    /// Wakes the caller to lead the next group.
    func handLeadership() {
        leadership.withLock { $0 = true }
        wake.signal()
    }

    /// Sleeps until completed or handed the leadership; returns whether it now leads.
    func waitForTurn() -> Bool {
        wake.wait()
        return leadership.withLock { leads in
            defer { leads = false }
            return leads
        }
    }
}

/// What a copied batch keeps of its source (``EventStore/appendCopies(_:)``).
struct CopyPlan: Sendable {
    var recorded: [Int64]
    var endsBatch: [Bool]
}

/// The queue of appends waiting to be written, and whether a leader is at work.
struct AppendQueue {
    var requests: [AppendRequest] = []
    var leaderActive = false
}

extension EventStore {
    /// Appends events to one stream, all or nothing.
    ///
    /// - Parameters:
    ///   - events: The events, in order.
    ///   - stream: The stream (`household-5301241012010001`).
    ///   - expected: The condition the stream must meet, checked atomically with the write.
    /// - Returns: The positions assigned and the stream's new last version.
    /// - Throws: ``StoreError`` `versionConflict` (saying expected and actual),
    ///   `invalidArgument`, `readOnly`, `damaged`, `diskFull`, `io`.
    public func append(_ events: [ProposedEvent], to stream: String, expected: ExpectedVersion = .any) throws -> AppendResult {
        try append([StreamWrite(stream: stream, expected: expected, events: events)])
    }

    /// Appends events to several streams as one batch: every condition holds and every
    /// event is written, or nothing is. Durable before it returns unless the store's
    /// durability is ``Durability/none``.
    ///
    /// Concurrent callers are grouped: while one flush is under way, the appends that
    /// arrive wait and are written together with the next one.
    ///
    /// - Parameter writes: The writes, applied in order (a stream named twice sees the
    ///   first write's events when the second's condition is checked).
    /// - Returns: The positions assigned, in order, and each stream's last version.
    /// - Throws: ``StoreError`` `versionConflict`, `invalidArgument`, `readOnly`,
    ///   `damaged`, `diskFull`, `io`.
    /// - Complexity: O(n) in the bytes appended, plus O(log n) per segment for each
    ///   stream not written since the store was opened.
    public func append(_ writes: [StreamWrite]) throws -> AppendResult {
        try append(writes, startingAt: nil)
    }

    /// Appends as ``append(_:)``, and only if the first event takes `position` (the log
    /// still ends there): for events that refer to each other by position, prepared
    /// against the log as it was.
    ///
    /// - Throws: ``StoreError`` `versionConflict` when the log has grown meanwhile
    ///   (nothing is written), and as ``append(_:)``.
    public func append(_ writes: [StreamWrite], startingAt position: UInt64?) throws -> AppendResult {
        guard !configuration.readOnly else {
            throw StoreError(.readOnly, "the store was opened read-only", path: directory)
        }
        try Self.validate(writes)
        return try submit(AppendRequest(writes: writes, expectedStart: position))
    }

    /// Appends records copied from another log with their positions, versions, recorded
    /// times and batch ends (``EventLog/appendCopies(_:)``): the copy's canonical bytes,
    /// and so its digest, equal the source's.
    ///
    /// - Throws: ``StoreError`` `versionConflict` when a record is not its stream's next
    ///   version, `invalidArgument` when the first is not at this log's end or the last
    ///   does not end a batch.
    public func appendCopies(_ records: [CopiedRecord]) throws {
        guard let first = records.first else { return }
        guard !configuration.readOnly else {
            throw StoreError(.readOnly, "the store was opened read-only", path: directory)
        }
        try CopiedRecord.check(records, place: directory)
        let writes = records.map { r in
            StreamWrite(stream: r.event.stream, expected: r.event.version == 0 ? .noStream : .exact(r.event.version - 1),
                        events: [ProposedEvent(type: r.event.type, effective: r.event.effective, actor: r.event.actor,
                                               correlation: r.event.correlation, metadata: r.event.metadata,
                                               payload: r.event.payload)])
        }
        try Self.validate(writes)
        _ = try submit(AppendRequest(writes: writes, copy: CopyPlan(recorded: records.map { $0.event.recorded.microseconds },
                                                                     endsBatch: records.map(\.endsBatch)),
                                     expectedStart: first.event.position))
    }

    /// Queues a request and waits until a group leader (possibly this caller) wrote it.
    private func submit(_ request: AppendRequest) throws -> AppendResult {
        var leading = pending.withLock { q -> Bool in
            q.requests.append(request)
            if q.leaderActive { return false }
            q.leaderActive = true
            return true
        }
        while request.result == nil {
            if leading {
                lead()
                leading = false
            } else {
                leading = request.waitForTurn()
            }
        }
        switch request.result {
        case .success(let r): return r
        case .failure(let e): throw e
        case nil: throw StoreError(.io, "append was not processed", path: directory)
        }
    }

    /// Leads one group: takes what is queued (everything with group commit, one
    /// request otherwise), writes it, then hands the leadership to the next waiting
    /// request, or lays it down when none waits.
    private func lead() {
        let group: [AppendRequest] = pending.withLock { q in
            if configuration.durability == .groupCommit {
                defer { q.requests.removeAll(keepingCapacity: true) }
                return q.requests
            }
            return q.requests.isEmpty ? [] : [q.requests.removeFirst()]
        }
        if !group.isEmpty { writer.withLock { w in write(group, &w) } }
        pending.withLock { q in
            if let next = q.requests.first {
                next.handLeadership()
            } else {
                q.leaderActive = false
            }
        }
    }

    /// Checks what every backend refuses before it writes: empty or oversized names and records.
    public static func validate(_ writes: [StreamWrite]) throws {
        func field(_ name: String, _ n: Int, allowEmpty: Bool = false) throws {
            if n == 0 && !allowEmpty { throw StoreError(.invalidArgument, "\(name) is empty") }
            if n > Int(UInt16.max) { throw StoreError(.invalidArgument, "\(name) is \(n) bytes; at most 65535") }
        }
        // Through buffers, so that no write or event is copied (and counted) to be looked at.
        try writes.withUnsafeBufferPointer { writes in
            for w in writes.indices {
                let streamBytes = writes[w].stream.utf8.count
                try field("stream name", streamBytes)
                try writes[w].events.withUnsafeBufferPointer { events in
                    for k in events.indices {
                        let typeBytes = events[k].type.utf8.count, actorBytes = events[k].actor.utf8.count
                        let correlationBytes = events[k].correlation?.utf8.count
                        let metadataBytes = events[k].metadata.count
                        try field("event type", typeBytes)
                        try field("actor", actorBytes)
                        if let c = correlationBytes { try field("correlation", c, allowEmpty: true) }
                        if metadataBytes > Int(UInt16.max) {
                            throw StoreError(.invalidArgument, "metadata is \(metadataBytes) bytes; at most 65535")
                        }
                        let size = RecordFrame.bodyHeaderSize + streamBytes + typeBytes + actorBytes
                            + (correlationBytes ?? 0) + metadataBytes + events[k].payload.count
                        if size > RecordFrame.maxBodySize {
                            throw StoreError(.invalidArgument,
                                             "event of type \(events[k].type) is \(size) bytes; a record holds at most \(RecordFrame.maxBodySize)")
                        }
                    }
                }
            }
        }
    }

    /// An encoded request waiting in the current chunk.
    private struct Encoded {
        var request: AppendRequest
        var positions: Range<UInt64>
        /// Each write's stream, its hash and its last version after the write.
        var streams: [String]
        var hashes: [UInt64]
        var versions: [UInt64]
        var entries: [IndexEntry]  // offsets relative to the writer's buffer
        var bytes: Range<Int>      // in the writer's buffer
    }

    /// Where the writer appends: the active file and its committed length. Holds no
    /// copy of the active index, so publishing never copies it.
    struct WriteCursor {
        var file: ActiveFile
        var committedBytes: Int64
    }

    /// Writes a group of requests: checks each condition, encodes, writes in chunks
    /// that each end on a segment boundary or at the group's end, syncs, publishes,
    /// and completes every request. Runs with the writer lock held.
    private func write(_ group: [AppendRequest], _ w: inout WriterState) {
        if let refusal = refusal(w) {
            for r in group { r.complete(.failure(refusal)) }
            return
        }
        let start = state.withLock { s in
            s.active.map { (WriteCursor(file: $0.file, committedBytes: $0.committedBytes), s.nextPosition) }
        }
        guard var (cursor, next) = start else {
            for r in group { r.complete(.failure(StoreError(.readOnly, "the store has no active segment", path: directory))) }
            return
        }
        var tentative = StreamVersions()  // versions after the requests encoded so far
        var chunk: [Encoded] = []
        w.buffer.removeAll()
        var recorded = max(RecordedTime.now().microseconds, w.lastRecorded)

        var failure: StoreError?
        requests: for request in group {
            if let f = failure { request.complete(.failure(f)); continue }
            if let start = request.expectedStart, start != next {
                request.complete(.failure(request.copy != nil
                    ? StoreError(.invalidArgument, "the copy starts at position \(start) but this log holds \(next) record\(next == 1 ? "" : "s")",
                                 path: directory)
                    : StoreError.logGrew(from: start, to: next, path: directory)))
                continue
            }
            // Check every condition against the versions including earlier requests.
            var versions = StreamVersions(capacity: request.writes.count)
            var starts: [UInt64] = [], hashes: [UInt64] = []
            var lastStreams: [String] = [], lastHashes: [UInt64] = [], lastVersions: [UInt64] = []
            starts.reserveCapacity(request.writes.count)
            hashes.reserveCapacity(request.writes.count)
            for write in request.writes {
                let hash = StreamHash.of(write.stream)
                hashes.append(hash)
                let current: UInt64?
                do {
                    current = try versions.get(write.stream, hash) ?? tentative.get(write.stream, hash)
                        ?? lastVersion(write.stream, hash: hash, &w)
                } catch {
                    request.complete(.failure(Self.storeError(error, directory)))
                    continue requests
                }
                if let conflict = Self.conflict(write.stream, expected: write.expected, actual: current) {
                    request.complete(.failure(conflict))
                    continue requests
                }
                let first = current.map { $0 + 1 } ?? 0
                starts.append(first)
                let last = write.events.isEmpty ? current : first + UInt64(write.events.count) - 1
                if let last {
                    versions.set(write.stream, hash, last)
                    lastStreams.append(write.stream)
                    lastHashes.append(hash)
                    lastVersions.append(last)
                }
            }
            let count = request.writes.reduce(0) { $0 + $1.events.count }
            if count == 0 {
                request.complete(.success(AppendResult(positions: next..<next, streams: lastStreams, versions: lastVersions)))
                continue
            }
            // Roll to a new segment first when this batch would overflow a non-empty one.
            let size = request.writes.reduce(0) { acc, wr in
                let s = wr.stream.utf8.count
                return acc + wr.events.reduce(0) { $0 + RecordFrame.frameSize(streamBytes: s, event: $1) }
            }
            let pendingBytes = w.buffer.count - (chunk.first?.bytes.lowerBound ?? w.buffer.count)
            let used = cursor.committedBytes + Int64(pendingBytes)
            if used > Int64(SegmentHeader.size), used + Int64(size) > Int64(configuration.segmentSize) {
                do {
                    try flush(&chunk, &cursor, &w, &tentative)
                    cursor = try roll(&w)
                } catch {
                    failure = Self.storeError(error, directory)
                    request.complete(.failure(Self.storeError(error, directory)))
                    continue
                }
            }
            // Encode: the last record of the request carries the commit flag. Room for
            // all of it at once (a large import would otherwise double the buffer, copying
            // it, eight times).
            _ = w.buffer.reserve(size)
            let begin = w.buffer.count
            var entries: [IndexEntry] = []
            entries.reserveCapacity(count)
            var written = 0
            let buffer = w.buffer
            let copy = request.copy
            // Through buffers, so that no write or event is copied (and counted) to be encoded.
            request.writes.withUnsafeBufferPointer { writes in
                for k in writes.indices {
                    var v = starts[k]
                    let hash = hashes[k]
                    withUTF8(writes[k].stream) { stream in
                        writes[k].events.withUnsafeBufferPointer { events in
                            for e in events.indices {
                                written += 1
                                entries.append(IndexEntry(hash: hash, version: v, offset: UInt64(buffer.count)))
                                let copied = copy.map { ($0.recorded[written - 1], $0.endsBatch[written - 1]) }
                                RecordFrame.encode(into: buffer, position: next, stream: stream, version: v,
                                                   recorded: copied?.0 ?? recorded, event: events[e], commit: copied?.1 ?? (written == count))
                                next += 1
                                v += 1
                            }
                        }
                    }
                }
            }
            for k in lastStreams.indices { tentative.set(lastStreams[k], lastHashes[k], lastVersions[k]) }
            chunk.append(Encoded(request: request, positions: (next - UInt64(count))..<next, streams: lastStreams,
                                 hashes: lastHashes, versions: lastVersions, entries: entries, bytes: begin..<w.buffer.count))
            recorded = max(recorded, RecordedTime.now().microseconds, request.copy?.recorded.max() ?? 0)
        }
        do {
            try flush(&chunk, &cursor, &w, &tentative)
            w.lastRecorded = recorded
        } catch {
            // The chunk's requests were failed by flush.
        }
    }

    static func storeError(_ error: any Error, _ path: String) -> StoreError {
        (error as? StoreError) ?? StoreError(.io, "\(error)", path: path)
    }

    /// Why the writer refuses to write, if it does.
    private func refusal(_ w: WriterState) -> StoreError? {
        if let p = w.poisoned { return p }
        return state.withLock { s -> StoreError? in
            if s.closed { return StoreError(.readOnly, "the store is closed", path: directory) }
            if let d = s.damage {
                var e = d
                e.code = .damaged
                e.message = "the store refuses to write past damage: " + d.message
                return e
            }
            return nil
        }
    }

    public static func conflict(_ stream: String, expected: ExpectedVersion, actual: UInt64?) -> StoreError? {
        switch (expected, actual) {
        case (.any, _), (.noStream, nil): return nil
        case (.exact(let e), .some(let a)) where e == a: return nil
        default:
            // Said only when it fails (formatting it for every write was 1% of an import).
            let actualText = actual.map { "version \($0)" } ?? "no stream"
            return StoreError(.versionConflict, "stream \(stream): expected \(expected), actual \(actualText)")
        }
    }

    /// Writes the chunk at the end of the active segment, syncs it as the durability
    /// asks, publishes it to readers and completes its requests. On failure cuts the
    /// file back so nothing of the chunk remains, fails its requests and throws.
    private func flush(_ chunk: inout [Encoded], _ cursor: inout WriteCursor, _ w: inout WriterState,
                       _ tentative: inout StreamVersions) throws {
        guard let firstBytes = chunk.first?.bytes, let lastBytes = chunk.last?.bytes else { return }
        let range = firstBytes.lowerBound..<lastBytes.upperBound
        let base = cursor.committedBytes
        let handle = cursor.file.handle
        var syncing = false
        do {
            try handle.write(w.buffer.bytes(range), at: base)
            syncing = true
            if configuration.durability != .none { try handle.dataSync() }
        } catch {
            let e = Self.storeError(error, handle.path)
            // Nothing of the chunk may remain: cut back and flush the cut. After a failed
            // flush the page cache's state is unknown, so the writer stops trusting it.
            do {
                try handle.truncate(to: base)
                try handle.dataSync()
                if syncing {
                    w.poisoned = StoreError(.io, "a flush failed; the store refuses appends until it is reopened: \(e)", path: handle.path)
                }
            } catch {
                w.poisoned = StoreError(.io, "a failed write could not be undone; the store refuses appends until it is reopened: \(e)",
                                        path: handle.path)
            }
            for c in chunk {
                c.request.complete(.failure(e))
                for k in c.streams.indices { tentative.set(c.streams[k], c.hashes[k], nil) }
            }
            chunk.removeAll()
            w.buffer.truncate(to: range.lowerBound)
            throw e
        }
        // Publish to readers.
        let added = Int64(range.count)
        let end = chunk.last?.positions.upperBound ?? 0

        // Publish to readers.
        for c in chunk { for k in c.streams.indices { w.versions.set(c.streams[k], c.hashes[k], c.versions[k]) } }
        let subscribers = state.withLock { s -> [AsyncStream<Void>.Continuation] in
            for c in chunk {
                for e in c.entries {
                    s.active?.index.add(IndexEntry(hash: e.hash, version: e.version,
                                                   offset: UInt64(base) + e.offset - UInt64(range.lowerBound)))
                }
            }
            s.active?.committedBytes += added
            s.nextPosition = end
            return Array(s.subscribers.values)
        }
        cursor.committedBytes += added
        for c in chunk { c.request.complete(.success(AppendResult(positions: c.positions, streams: c.streams, versions: c.versions))) }
        for s in subscribers { s.yield() }
        // The Merkle tree follows on the other core: it hashes the new records from the
        // log while this thread goes on writing. A digest or proof waits for it.
        if configuration.maintainsTree {
            treeKeeper.grew(to: end) { [weak self] target in
                guard let self else { return }
                try? self.tree.catchUp(to: target, sealedEnd: self.sealedEnd, read: self.treeReader)
            }
        }
        chunk.removeAll()
        w.buffer.removeAll()
    }

    /// Seals the active segment (flush, persist its index) and begins the next one.
    private func roll(_ w: inout WriterState) throws -> WriteCursor {
        guard let current = state.withLock({ s in
            s.active.map { ($0.file, $0.committedBytes, $0.index.entries, $0.index.streamsStarted) }
        }) else {
            throw StoreError(.readOnly, "the store has no active segment", path: directory)
        }
        let (file, committed, entries, started) = current
        try file.handle.dataSync()
        let first = file.header.firstPosition
        // The sealed records are on disk: so may be their hashes, and the tree's head.
        if configuration.maintainsTree {
            try? tree.catchUp(to: first + UInt64(entries.count), sealedEnd: first, read: treeReader)
            try? tree.persist()
        }
        let indexBytes = SegmentIndex.build(firstPosition: first, appendOrder: entries,
                                            coveredBytes: UInt64(committed), streamsStarted: started)
        let indexPath = path(StoreFiles.name(first: first, suffix: StoreFiles.indexSuffix))
        let index: SegmentIndex
        do {
            try FileSystem.writeAtomically(indexBytes, to: indexPath, directory: directory, faults: configuration.faults)
            index = try SegmentIndex(path: indexPath)
        } catch {
            // The index is derived data: keep it in memory; the next open rebuilds it.
            index = try SegmentIndex(memory: indexBytes)
        }
        let data = try MappedFile(path: file.path)
        let sealedSegment = SealedSegment(path: file.path, header: file.header, data: data, index: index)
        let next = try Self.createSegment(directory: directory, first: first + UInt64(entries.count),
                                          sequence: file.header.sequence + 1, identity: identity, faults: configuration.faults)
        state.withLock { s in
            s.sealed.append(sealedSegment)
            s.active = next
        }
        return WriteCursor(file: next.file, committedBytes: next.committedBytes)
    }

    /// The last version of a stream, or `nil` if it does not exist: from the writer's
    /// cache, else the active segment's index, else the sealed segments' indexes,
    /// newest first. Caches what it finds.
    ///
    /// - Complexity: O(1) when cached, else O(log n) per sealed segment whose Bloom
    ///   filter admits the stream.
    func lastVersion(_ stream: String, hash: UInt64, _ w: inout WriterState) throws -> UInt64? {
        if let v = w.versions.get(stream, hash) { return v }
        let (sealed, active, candidates) = state.withLock { s in
            (s.sealed, s.active.map { ($0.file, $0.committedBytes) }, s.active?.index.entries(hash: hash, from: 0) ?? [])
        }
        let v = try Self.lastVersion(of: Array(stream.utf8), hash: hash, sealed: sealed, active: active, activeEntries: candidates)
        if let v { w.versions.set(stream, hash, v) }
        return v
    }
}
