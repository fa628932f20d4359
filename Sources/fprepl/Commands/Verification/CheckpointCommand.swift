import EventStore

/// `checkpoint --sign KEY [--origin O] [--out FILE]` signs the log's digest (a C2SP
/// checkpoint); `checkpoint --verify PUB FILE` checks a signed one against the log.
enum CheckpointCommand: ReplCommand {
    static let name = "checkpoint"
    static let summary = "sign the log's digest (C2SP checkpoint), or check a signed one against the log"
    static let usage = ["checkpoint --sign KEY [--origin O] [--out FILE]", "checkpoint --verify PUB FILE [--origin O]"]
    static let example = "checkpoint --sign inspector-2026.key --out march.checkpoint"

    static let sign = CommandOption.text("--sign", "KEY", expects: "a signing key file (NAME.key)", help: "sign the log's digest with this key")
    static let verify = CommandOption.text("--verify", "PUB", expects: "a verifier key file (NAME.pub)",
                                    help: "check the signed checkpoint FILE with this key, and that the log still holds it")
    static let origin = SignedCheckpoint.origin
    static let out = CommandOption.text("--out", "FILE", expects: "a file", help: "write the checkpoint to FILE")
    static let syntax = CommandSyntax.words(
        [.file(optional: true)], options: [sign.declaration, verify.declaration, origin.declaration, out.declaration],
        misuse: "checkpoint takes options only: --sign KEY [--origin O] [--out FILE], or --verify PUBKEY FILE [--origin O]")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        if let pub = call[verify] {
            guard let path = call.words.first else { throw CommandError("checkpoint --verify PUBKEY FILE: name the checkpoint file") }
            let key = try SignedCheckpoint.verifierKey(pub)
            let cp = try SignedCheckpoint.open(path, key: key)
            let store = try session.store()
            // Hashed from the records themselves, not taken from the kept tree files.
            _ = try VerifyCommand.checkedRecords(store, in: session, for: "checkpoint --verify")
            do { try SignedCheckpoint.checkExtends(cp, store: store, session: session, origin: call[origin]) } catch let e as CommandError {
                throw CommandError("\(path): \(e.message)")
            }
            return .record(RecordResult(fields: [
                ("origin", "origin", .text(cp.origin)), ("size", "size", .integer(Int64(cp.size))), ("root", "root", .text(cp.root.hex)),
                ("signature", "signature", .text("ok (\(key.name))")),
                ("log", "log", .text("holds these \(cp.size) records unchanged (every one rehashed), and \(store.endPosition - cp.size) more")),
            ]))
        }
        guard call.words.isEmpty else { throw call.misuse }
        guard let keyPath = call[sign] else {
            throw CommandError("checkpoint --sign KEY [--origin O] [--out FILE] signs the log's digest; checkpoint --verify PUBKEY FILE checks one")
        }
        let text = try readTextFileForCommand(keyPath)
        let key: CheckpointSigningKey
        do { key = try CheckpointSigningKey(text: text) } catch { throw CommandError("\(keyPath): \(error)") }
        let store = try session.store()
        // A root is signed only as just recomputed from the records it covers.
        let (_, d) = try VerifyCommand.checkedRecords(store, in: session, for: "checkpoint --sign")
        let cp = LogCheckpoint(origin: call[origin] ?? LogCheckpoint.origin(storeID: store.storeID), size: d.size, root: d.root)
        let note = cp.signed(by: key)
        if let out = call[out] {
            try writeFileForCommand(note, to: out, mode: 0o644)
            return .said("wrote the checkpoint of \(cp.size) records, signed by \(key.name), to \(out)\n", json: [
                ("file", .string(out)), ("origin", .string(cp.origin)), ("size", .integer(Int64(cp.size))),
                ("root", .string(cp.root.base64)), ("key", .string(key.name)),
            ])
        }
        let json = RecordResult(fields: [("origin", "origin", .text(cp.origin)), ("size", "size", .integer(Int64(cp.size))),
                                         ("root", "root", .text(cp.root.base64)), ("checkpoint", "checkpoint", .text(note))]).json
        return .document(.message(note), json: json)
    }
}
