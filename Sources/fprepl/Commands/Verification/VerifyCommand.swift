import EventStore

/// `verify [--checkpoint FILE --key PUB]`: every record reread and checked, the Merkle
/// tree recomputed; with a signed checkpoint, the log checked to still hold it.
enum VerifyCommand: ReplCommand {
    static let name = "verify"
    static let summary = "check every record's checksum and recompute the Merkle tree; with a checkpoint, check the log still holds it"
    static let usage = ["verify [--checkpoint FILE --key PUB]"]
    static let example = "verify --checkpoint march.checkpoint --key inspector-2026.pub"
    static let reference = "reread every record, check checksums, recompute the tree; with a checkpoint, check the log still holds it"

    static let checkpoint = CommandOption.text("--checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint the log must still hold")
    static let syntax = CommandSyntax.words([], options: [checkpoint.declaration, SignedCheckpoint.key.declaration],
                                            misuse: "verify takes no arguments; options: --checkpoint FILE --key PUBKEY")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let checkpoint = try SignedCheckpoint.given(call, checkpoint)
        let store = try session.store()
        let progress = Progress(label: "verifying", enabled: session.showsProgress)
        let report = store.verify { done, total in (try? progress.update(done: Int(done), total: Int(total), unit: "records")) != nil }
        progress.finish()
        if report.stopped {
            throw CommandInterrupted("verify", "stopped after \(counted(Int(report.records), "record")) of \(store.endPosition); nothing was concluded")
        }
        if let damage = report.damage { throw CommandError("verify: \(damage)") }
        guard let digest = report.digest else { throw CommandError("verify: the Merkle tree could not be recomputed") }
        var fields: [(key: String, label: String, value: ResultValue)] = [
            ("records", "records", .integer(Int64(report.records))),
            ("bytes", "bytes", .integer(report.bytes)),
            ("root", "root", .text(digest.root.hex)),
        ]
        if let (cp, _) = checkpoint {
            try SignedCheckpoint.checkExtends(cp, store: store)
            fields.append(("checkpoint", "checkpoint", .text("the log extends the checkpoint of \(cp.size) records")))
        }
        fields.append(("verdict", "verdict", .text("ok")))
        return .record(RecordResult(fields: fields))
    }
}
