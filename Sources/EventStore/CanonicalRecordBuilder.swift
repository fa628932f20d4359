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
