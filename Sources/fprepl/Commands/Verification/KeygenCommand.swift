import EventStore
import Foundation

/// `keygen NAME [--dir DIR]`: an Ed25519 key pair for signing checkpoints.
enum KeygenCommand: ReplCommand {
    static let name = "keygen"
    static let summary = "make an Ed25519 key pair for signing checkpoints: NAME.key (secret) and NAME.pub"
    static let usage = ["keygen NAME [--dir DIR]"]
    static let example = "keygen inspector-2026"
    static let reference = "an Ed25519 key pair for signing checkpoints (no store needed)"

    static let dir = CommandOption.text("--dir", "DIR", expects: "a directory", help: "where to write the two files (default: here; made if missing, mode 0700)")
    static let syntax = CommandSyntax.words([Word("NAME")], options: [dir.declaration],
                                            misuse: "keygen takes a key name: keygen inspector-2026 [--dir DIR]")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let name = call.words[0]
        let dir = call[Self.dir] ?? "."
        // A name, not a path: the folder is --dir's.
        if name.contains("/") || name.hasPrefix(".") || name.isEmpty {
            let slash = name.lastIndex(of: "/")
            let hint = slash.map { "keygen \(name[name.index(after: $0)...]) --dir \(name[..<$0].isEmpty ? "/" : String(name[..<$0]))" } ?? "keygen inspector-2026"
            throw CommandError("keygen: \(name) is not a key name (a name has no / and does not start with .); for another folder: \(hint)")
        }
        let key: CheckpointSigningKey
        do { key = try CheckpointSigningKey.generate(name: name) } catch { throw CommandError("keygen: \(error)") }
        // A folder that is not there yet is made (for the owner only: it holds a secret).
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder) {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CommandError("keygen: cannot make the folder \(dir): \(String(cString: strerror(errno)))")
            }
        } else if !isFolder.boolValue {
            throw CommandError("keygen: \(dir) is not a folder")
        }
        let keyPath = dir + "/" + name + ".key", pubPath = dir + "/" + name + ".pub"
        for p in [keyPath, pubPath] where FileManager.default.fileExists(atPath: p) {
            throw CommandError("keygen: \(p) exists; a key is never overwritten")
        }
        try writeFileForCommand(key.text, to: keyPath, mode: 0o600)
        try writeFileForCommand(key.verifier.text, to: pubPath, mode: 0o644)
        return .record(RecordResult(fields: [
            ("name", "name", .text(name)),
            ("signing_key", "signing key (secret)", .text(keyPath)),
            ("verifier_key", "verifier key", .text(pubPath)),
            ("public_key", "public key", .text(key.verifier.text.trimmingCharacters(in: .newlines))),
        ]))
    }
}
