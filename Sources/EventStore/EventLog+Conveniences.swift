/// What every ``EventLog`` can do with the protocol's requirements: defaults for their
/// parameters and reads made of them (one record, a checksum, a stream in full).
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
    public func inclusionProof(position: UInt64) throws -> InclusionProof {
        try inclusionProof(position: position, size: nil)
    }

    /// Proof that the whole log extends the tree of `oldSize` records.
    public func consistencyProof(from oldSize: UInt64) throws -> ConsistencyProof {
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
    /// file store keeps it): a fingerprint that projection snapshots keep to recognise the log.
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
