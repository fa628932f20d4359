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

extension BorrowedRecord {
    /// Whether this record was the last of the batch it was appended in.
    public var endsBatch: Bool { view.commits }

    /// A copy for another log: the event and its batch end.
    public func copied() -> CopiedRecord { CopiedRecord(event: materialize(), endsBatch: endsBatch) }
}
