import EventStore

/// `verify [--checkpoint FILE --key PUB]`: every record reread and checked, the Merkle
/// tree recomputed; with a signed checkpoint, the log checked to still hold it.
enum VerifyCommand: ReplCommand {
    static let name = "verify"
    static let summary = "check every record's checksum and recompute the Merkle tree; with a checkpoint, check the log still holds it"
    static let usage = ["verify [--checkpoint FILE --key PUB [--origin O]]"]
    static let example = "verify --checkpoint march.checkpoint --key inspector-2026.pub"
    static let reference = "reread every record, check checksums, recompute the tree; with a checkpoint, check the log still holds it"

    static let checkpoint = CommandOption.text("--checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint the log must still hold")
    static let syntax = CommandSyntax.words([], options: [checkpoint.declaration, SignedCheckpoint.key.declaration, SignedCheckpoint.origin.declaration],
                                            misuse: "verify takes no arguments; options: --checkpoint FILE --key PUBKEY [--origin O]")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let checkpoint = try SignedCheckpoint.given(call, checkpoint)
        if call[SignedCheckpoint.origin] != nil, checkpoint == nil { throw CommandError("--origin names the log of a checkpoint: give --checkpoint FILE --key PUB") }
        let store = try session.store()
        let (report, digest) = try checkedRecords(store, in: session, for: "verify")
        var fields: [(key: String, label: String, value: ResultValue)] = [
            ("records", "records", .integer(Int64(report.records))),
            ("bytes", "bytes", .integer(report.bytes)),
            ("root", "root", .text(digest.root.hex)),
        ]
        if let (cp, _) = checkpoint {
            try SignedCheckpoint.checkExtends(cp, store: store, session: session, origin: call[SignedCheckpoint.origin])
            fields.append(("checkpoint", "checkpoint", .text("the log's first \(cp.size) records, hashed from the records, give the checkpoint's root")))
        }
        if let repairs = SignedCheckpoint.repairsNote(store, session: session) {
            fields.append(("repairs", "repairs", .text(repairs)))
        }
        fields.append(("verdict", "verdict", .text("ok")))
        return .record(RecordResult(fields: fields))
    }

    /// Rereads every record, checks its checksum and recomputes the Merkle tree from the
    /// records, comparing every hash with the kept one (all of `verify`), with progress
    /// on a terminal; for the commands that must not conclude from kept hashes alone
    /// (`checkpoint --sign`, `checkpoint --verify`).
    ///
    /// - Returns: The report and the digest recomputed from the records.
    /// - Throws: ``CommandError`` naming the first damage (by file, offset and
    ///   position), ``CommandInterrupted`` when Ctrl-C stopped it.
    static func checkedRecords(_ store: any EventLog, in session: Session, for command: String) throws -> (VerifyReport, Digest) {
        let progress = Progress(label: "verifying", enabled: session.showsProgress)
        let report = store.verify { done, total in (try? progress.update(done: Int(done), total: Int(total), unit: "records")) != nil }
        progress.finish()
        if report.stopped {
            throw CommandInterrupted(command, "stopped after \(counted(Int(report.records), "record")) of \(store.endPosition); nothing was concluded")
        }
        if let damage = report.damage { throw CommandError("\(command): \(damage)") }
        guard let digest = report.digest else { throw CommandError("\(command): the Merkle tree could not be recomputed") }
        return (report, digest)
    }
}
