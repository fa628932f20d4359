/// What every backend of the log offers: the file store (``EventStore``) and the
/// PostgreSQL store (`PostgresStore`). Projections and the REPL are written against
/// this and nothing else, so one set of folds and one conformance suite serve both.
///
/// The contract, whichever backend:
/// - positions are 0, 1, 2, ... with no gap, and a reader never sees position p without
///   every position before it (a record that commits late cannot be skipped);
/// - an append is all or nothing, and its expected-version conditions are checked
///   atomically with the write, also against writers in other processes;
/// - a record's canonical bytes (``BorrowedRecord/canonicalBytes``) are the same in
///   every backend, so the Merkle digest of the same records is the same.
public protocol EventLog: AnyObject, Sendable {
    /// Where the log lives, as the user would write it (`--store`), without secrets.
    var location: String { get }
    /// A fingerprint of this log, fixed when it was created: derived data (checkpoints)
    /// records it to recognise the log it came from.
    var storeID: String { get }
    /// One past the last committed position, as of the last ``refresh()``.
    var endPosition: UInt64 { get }
    /// Whether appends are refused.
    var isReadOnly: Bool { get }
    /// Where derived data of this log (projection checkpoints) is kept.
    var projectionsDirectory: String { get }

    /// Brings a reader up to what other writers have committed.
    func refresh() throws
    /// Releases the log (and, for a writer, makes what it wrote durable).
    func close() throws

    /// Calls `body` with every record from `position` through `through` (default: the
    /// last committed when the call began), in position order; `body` returns `false`
    /// to stop.
    func forEachRecord(from position: UInt64, through: UInt64?, _ body: (BorrowedRecord) throws -> Bool) throws
    /// Calls `body` with the records of one event type from `position` through `through`,
    /// in position order: for passes that want only a rare type (corrections). The file
    /// store reads every record to find them; PostgreSQL asks the database for those rows.
    func forEachRecord(ofType type: String, from position: UInt64, through: UInt64?,
                       _ body: (BorrowedRecord) throws -> Bool) throws
    /// The events of one stream from `version` on, in version order.
    func readStream(_ stream: String, from version: UInt64, maxCount: Int) throws -> [RecordedEvent]
    /// The last version of a stream, `nil` when it does not exist.
    func streamVersion(_ stream: String) throws -> UInt64?

    /// Appends events to several streams as one batch: every condition holds and every
    /// event is written, or nothing is.
    func append(_ writes: [StreamWrite]) throws -> AppendResult
    /// Appends as ``append(_:)``, only if the first event takes `position` (nil: any):
    /// for events that refer to each other by position, prepared against the log as it
    /// was. A log that grew meanwhile refuses with `versionConflict`, writing nothing.
    func append(_ writes: [StreamWrite], startingAt position: UInt64?) throws -> AppendResult
    /// Appends records copied from another log, keeping their positions, versions,
    /// recorded times and batch ends, so that the copy has the same canonical bytes
    /// (and digest). The first must take the position this log is at, each its
    /// stream's next version, and the last must end a batch.
    func appendCopies(_ records: [CopiedRecord]) throws

    /// Follows the log from `position` on: every record, then each new one.
    func tail(from position: UInt64, pollInterval: Duration) -> AsyncThrowingStream<RecordedEvent, any Error>

    /// The Merkle digest of the whole log (RFC 6962).
    func digest() throws -> EventStore.Digest
    /// The digest of the first `size` records.
    func digest(size: UInt64) throws -> EventStore.Digest
    /// Proof that the record at `position` is in the tree of `size` records.
    func inclusionProof(position: UInt64, size: UInt64?) throws -> EventStore.InclusionProof
    /// Proof that the tree of `newSize` records extends the tree of `oldSize`.
    func consistencyProof(from oldSize: UInt64, to newSize: UInt64?) throws -> EventStore.ConsistencyProof
    /// Reads every record, checks it, and recomputes the Merkle tree; the report names
    /// the first damage by position.
    func verify(progress: ((UInt64, UInt64) -> Void)?) -> EventStore.VerifyReport
}

extension StoreError {
    /// The log grew while an append that needs its positions was prepared.
    public static func logGrew(from expected: UInt64, to actual: UInt64, path: String) -> StoreError {
        StoreError(.versionConflict, "the log grew from \(expected) to \(actual) records while this append was prepared "
            + "(its events refer to each other by position); nothing was written, run it again", path: path)
    }
}

/// A record as copied between logs: the event and whether it ended its batch.
public struct CopiedRecord: Sendable, Equatable {
    /// What every backend refuses in a copied batch before it writes: records that are
    /// not consecutive, or a batch that does not end where its source's batch ended.
    public static func check(_ records: [CopiedRecord], place: String) throws {
        guard let first = records.first, let last = records.last else { return }
        guard last.endsBatch else {
            throw StoreError(.invalidArgument, "a copied batch must end where its source's batch ended (position \(last.event.position))",
                             path: place)
        }
        for (k, r) in records.enumerated() where r.event.position != first.event.position + UInt64(k) {
            throw StoreError(.invalidArgument, "copied records are not consecutive at position \(r.event.position)", path: place)
        }
    }

    public var event: RecordedEvent
    /// Whether it was the last record of the batch it was appended in.
    public var endsBatch: Bool

    public init(event: RecordedEvent, endsBatch: Bool) {
        self.event = event
        self.endsBatch = endsBatch
    }

    /// The record's canonical bytes (`docs/format.md`, the body of its frame): what its
    /// Merkle leaf hash is computed over, byte for byte as the file store keeps it.
    public var canonicalBytes: [UInt8] {
        let e = event
        var builder = CanonicalRecordBuilder()
        return withUTF8(e.stream) { stream in withUTF8(e.type) { type in withUTF8(e.actor) { actor in
            withUTF8(e.correlation ?? "") { correlation in e.metadata.withUnsafeBytes { metadata in
                e.payload.withUnsafeBytes { payload in
                    builder.withRecord(position: e.position, version: e.version, recorded: e.recorded.microseconds,
                                       effective: e.effective.rawValue, endsBatch: endsBatch, hasCorrelation: e.correlation != nil,
                                       stream: stream, type: type, actor: actor, correlation: correlation,
                                       metadata: metadata, payload: payload) { Array($0.canonicalBytes) }
                }
            } }
        } } }
    }
}

/// Assembles records' canonical bytes from their fields in one buffer reused from record
/// to record: how a backend that keeps records in columns hands them to folds written
/// for the file store, without an allocation per record.
public struct CanonicalRecordBuilder {
    private var buffer: [UInt8] = []

    public init() {}

    /// Calls `body` with the record of these fields (valid only inside `body`).
    public mutating func withRecord<R>(
        position: UInt64, version: UInt64, recorded: Int64, effective: UInt32, endsBatch: Bool, hasCorrelation: Bool,
        stream: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer, actor: UnsafeRawBufferPointer,
        correlation: UnsafeRawBufferPointer, metadata: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer,
        _ body: (BorrowedRecord) throws -> R
    ) rethrows -> R {
        buffer.removeAll(keepingCapacity: true)
        buffer.appendLE(position)
        buffer.appendLE(version)
        buffer.appendLE(UInt64(bitPattern: recorded))
        buffer.appendLE(effective)
        var flags: UInt16 = endsBatch ? RecordFrame.flagCommit : 0
        if hasCorrelation { flags |= RecordFrame.flagCorrelation }
        buffer.appendLE(flags)
        // Field by field, not through an array of the parts: this runs once per record scanned.
        buffer.appendLE(UInt16(truncatingIfNeeded: stream.count))
        buffer.appendLE(UInt16(truncatingIfNeeded: type.count))
        buffer.appendLE(UInt16(truncatingIfNeeded: actor.count))
        buffer.appendLE(UInt16(truncatingIfNeeded: correlation.count))
        buffer.appendLE(UInt16(truncatingIfNeeded: metadata.count))
        buffer.append(contentsOf: stream)
        buffer.append(contentsOf: type)
        buffer.append(contentsOf: actor)
        buffer.append(contentsOf: correlation)
        buffer.append(contentsOf: metadata)
        buffer.append(contentsOf: payload)
        return try buffer.withUnsafeBytes { try body(BorrowedRecord(view: RecordView(body: $0))) }
    }
}

extension BorrowedRecord {
    /// Whether this record was the last of the batch it was appended in.
    public var endsBatch: Bool { view.commits }

    /// A copy for another log: the event and its batch end.
    public func copied() -> CopiedRecord { CopiedRecord(event: materialize(), endsBatch: endsBatch) }
}

extension EventLog {
    /// Every record of one type: a scan of every record, keeping those of the type.
    public func forEachRecord(ofType type: String, from position: UInt64, through: UInt64?,
                              _ body: (BorrowedRecord) throws -> Bool) throws {
        let name = Array(type.utf8)
        try forEachRecord(from: position, through: through) { r in
            r.typeBytes.elementsEqual(name) ? try body(r) : true
        }
    }

    /// Every record from `position` on.
    public func forEachRecord(from position: UInt64 = 0, _ body: (BorrowedRecord) throws -> Bool) throws {
        try forEachRecord(from: position, through: nil, body)
    }

    /// The events of one stream, all of them.
    public func readStream(_ stream: String) throws -> [RecordedEvent] {
        try readStream(stream, from: 0, maxCount: .max)
    }

    /// The events of one stream from `version` on.
    public func readStream(_ stream: String, from version: UInt64) throws -> [RecordedEvent] {
        try readStream(stream, from: version, maxCount: .max)
    }

    /// Appends events to one stream, all or nothing.
    public func append(_ events: [ProposedEvent], to stream: String, expected: ExpectedVersion = .any) throws -> AppendResult {
        try append([StreamWrite(stream: stream, expected: expected, events: events)])
    }

    /// Follows the log from `position` on, polling every 50 ms for what others append.
    public func tail(from position: UInt64 = 0) -> AsyncThrowingStream<RecordedEvent, any Error> {
        tail(from: position, pollInterval: .milliseconds(50))
    }

    /// Proof of inclusion in the whole log.
    public func inclusionProof(position: UInt64) throws -> EventStore.InclusionProof {
        try inclusionProof(position: position, size: nil)
    }

    /// Proof that the whole log extends the tree of `oldSize` records.
    public func consistencyProof(from oldSize: UInt64) throws -> EventStore.ConsistencyProof {
        try consistencyProof(from: oldSize, to: nil)
    }

    /// Reads up to `maxCount` records from `position` on, copied out.
    public func read(from position: UInt64, maxCount: Int = 1000) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        guard maxCount > 0 else { return out }
        try forEachRecord(from: position, through: nil) { r in
            out.append(r.materialize())
            return out.count < maxCount
        }
        return out
    }

    /// The record at one position.
    public func record(at position: UInt64) throws -> RecordedEvent {
        guard let r = try read(from: position, maxCount: 1).first, r.position == position else {
            throw StoreError(.invalidArgument, "no record at position \(position); the log holds \(endPosition) records", path: location)
        }
        return r
    }

    /// The CRC-32C of the record at a position (of its frame's length and body, as the
    /// file store keeps it): a fingerprint that checkpoints keep to recognise the log.
    public func checksum(at position: UInt64) throws -> UInt32 {
        var crc: UInt32?
        try forEachRecord(from: position, through: position) { r in
            let body = r.canonicalBytes
            let length = withUnsafeBytes(of: UInt32(body.count).littleEndian) { CRC32C.checksum($0) }
            crc = CRC32C.update(length, body)
            return false
        }
        guard let crc else {
            throw StoreError(.invalidArgument, "no record at position \(position); the log holds \(endPosition) records", path: location)
        }
        return crc
    }
}

extension EventStore: EventLog {
    /// The store's directory.
    public var location: String { directory }
    /// Whether the store was opened read-only.
    public var isReadOnly: Bool { configuration.readOnly }
    /// `projections/` inside the store's directory.
    public var projectionsDirectory: String { directory + "/projections" }
}

/// The checks every backend makes on the sizes and positions a digest or proof is asked
/// for, with the same messages.
public enum ProofRequest {
    /// `size` itself, when the log of `end` records holds that many.
    public static func size(_ size: UInt64, end n: UInt64, place: String) throws -> UInt64 {
        guard size <= n else {
            throw StoreError(.invalidArgument, "the log holds \(n) record\(n == 1 ? "" : "s"), not \(size)", path: place)
        }
        return size
    }

    /// The tree size of an inclusion proof (default: the whole log), checked.
    public static func inclusion(position: UInt64, size: UInt64?, end n: UInt64, place: String) throws -> UInt64 {
        let size = try Self.size(size ?? n, end: n, place: place)
        guard position < size else {
            throw StoreError(.invalidArgument, "position \(position) is not in a tree of \(size) record\(size == 1 ? "" : "s")",
                             path: place)
        }
        return size
    }

    /// The new size of a consistency proof (default: the whole log), checked.
    public static func consistency(from oldSize: UInt64, to newSize: UInt64?, end n: UInt64, place: String) throws -> UInt64 {
        let newSize = try size(newSize ?? n, end: n, place: place)
        guard oldSize > 0 else {
            throw StoreError(.invalidArgument, "a consistency proof starts from a size of at least 1", path: place)
        }
        guard oldSize <= newSize else {
            throw StoreError(.invalidArgument, "the old size \(oldSize) is larger than the new size \(newSize)", path: place)
        }
        return newSize
    }
}
