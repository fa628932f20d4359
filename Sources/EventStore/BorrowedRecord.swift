/// A record read in place, handed to the closure of ``EventStore/forEachRecord(from:through:_:)``:
/// its fields decode from the store's bytes on demand, with nothing copied until asked.
/// Valid only inside that closure; copy what you keep (``materialize()``).
public struct BorrowedRecord {
    let view: RecordView

    /// The global position.
    public var position: UInt64 { view.position }
    /// The version in its stream.
    public var version: UInt64 { view.version }
    /// The stream name.
    public var stream: String { view.stream }
    /// The event type.
    public var type: String { view.type }
    /// The event type's UTF-8 bytes, valid only inside the closure.
    public var typeBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: view.body[(40 + view.streamLength)..<(40 + view.streamLength + view.typeLength)])
    }
    /// The stream name's UTF-8 bytes, valid only inside the closure.
    public var streamBytes: UnsafeRawBufferPointer { view.streamBytes }
    /// The business date.
    public var effective: EffectiveDate { EffectiveDate(unchecked: view.effectiveRaw) }
    /// When the store recorded it.
    public var recorded: RecordedTime { RecordedTime(microseconds: view.recordedMicros) }
    /// Who entered it.
    public var actor: String { view.actor }
    /// The correlation id, if any.
    public var correlation: String? { view.correlation }
    /// The metadata bytes, valid only inside the closure.
    public var metadata: UnsafeRawBufferPointer { view.metadata }
    /// The payload bytes, valid only inside the closure.
    public var payload: UnsafeRawBufferPointer { view.payload }
    /// The record's canonical bytes: its body exactly as stored (frame bytes 8 ..< 8+L,
    /// `docs/format.md`), what its Merkle leaf hash is computed over. Valid only inside
    /// the closure.
    public var canonicalBytes: UnsafeRawBufferPointer { view.body }
    /// A copy that outlives the closure.
    public func materialize() -> RecordedEvent { view.materialize() }
}
