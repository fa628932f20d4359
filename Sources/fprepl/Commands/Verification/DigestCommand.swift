import EventStore

/// `digest`: the Merkle tree head over every record (docs/verification.md).
enum DigestCommand: ReplCommand {
    static let name = "digest"
    static let summary = "the Merkle tree head: how many records, and the SHA-256 root over them (RFC 6962)"
    static let example = "digest"
    static let reference = "the Merkle tree size and root over all records (`verification.md`)"

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let d = try session.store().digest()
        return .record(RecordResult(fields: [("size", "size", .integer(Int64(d.size))), ("root", "root", .text(d.root.hex))]))
    }
}
