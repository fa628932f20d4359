/// What ``EventLog/verify(progress:)`` found.
public struct VerifyReport: Sendable, Equatable {
    /// Records whose checksum and position were checked.
    public var records: UInt64
    /// Segment bytes read.
    public var bytes: Int64
    /// The first damage found, with its segment, offset and position; `nil` when
    /// every record is whole.
    public var damage: StoreError?
    /// The digest recomputed from the records, when every record is whole and
    /// agrees with the hashes the tree kept for it.
    public var digest: Digest?
    /// Whether the check was stopped before the end (its progress said so): then
    /// `damage` and `digest` are `nil` and nothing was concluded about the log.
    public var stopped = false

    public init(records: UInt64, bytes: Int64, damage: StoreError?, digest: Digest? = nil) {
        self.records = records
        self.bytes = bytes
        self.damage = damage
        self.digest = digest
    }
}
