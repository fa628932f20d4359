import EventStore
import Projections

/// `check inclusion PROOF ...` and `check consistency PROOF ...`: a proof checked against
/// roots the caller trusts, given in hex or from signed checkpoints, with no store.
enum CheckCommand: ReplCommand {
    static let name = "check"
    static let summary = "check a proof against a root you trust, without any store"
    static let usage = ["check inclusion PROOF (--root HEX | --checkpoint FILE --key PUB)",
                        "check consistency PROOF (--old-root HEX --new-root HEX | --old-checkpoint FILE --new-checkpoint FILE --key PUB)"]
    static let example = "check consistency since-march.json --old-checkpoint march.checkpoint --new-checkpoint today.checkpoint --key inspector-2026.pub"
    static let reference = "check a proof against roots you trust, with no store"

    static let root = CommandOption.text("--root", "HEX", expects: "a root in hex", help: "the root the inclusion proof must reach")
    static let checkpoint = CommandOption.text("--checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint whose root the inclusion proof must reach")
    static let oldRoot = CommandOption.text("--old-root", "HEX", expects: "a root in hex", help: "the root of the older tree")
    static let newRoot = CommandOption.text("--new-root", "HEX", expects: "a root in hex", help: "the root of the newer tree")
    static let oldCheckpoint = CommandOption.text("--old-checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint of the older tree")
    static let newCheckpoint = CommandOption.text("--new-checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint of the newer tree")
    static let misuse = "check inclusion PROOF (--root HEX | --checkpoint FILE --key PUBKEY) | "
        + "check consistency PROOF (--old-root HEX --new-root HEX | --old-checkpoint FILE --new-checkpoint FILE --key PUBKEY)"
    static let syntax = CommandSyntax.words(
        [Word("KIND", completes: .words(["inclusion", "consistency"])), Word("PROOF")],
        options: [root, checkpoint, SignedCheckpoint.key, oldRoot, newRoot, oldCheckpoint, newCheckpoint].map(\.declaration),
        misuse: misuse)

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let (kind, path) = (call.words[0], call.words[1])
        let proof = try ProofFile.parse(try readTextFileForCommand(path), path: path)
        switch (kind, proof) {
        case ("inclusion", .inclusion(let p)):
            let root = try trustedRoot(call, root: Self.root, checkpoint: checkpoint, size: p.size)
            if !p.canonicalBytes.isEmpty, MerkleHash.leaf(p.canonicalBytes) != p.leafHash {
                throw CommandError("\(path): the record's bytes do not hash to the proof's leaf hash")
            }
            do {
                try MerkleProof.checkInclusion(leaf: p.leafHash, index: p.position, size: p.size, proof: p.hashes, root: root.hash)
            } catch { throw CommandError("\(path): \(error)") }
            return .record(RecordResult(fields: [
                ("verdict", "verdict", .text("ok")), ("position", "position", .integer(Int64(p.position))),
                ("size", "size", .integer(Int64(p.size))), ("root", "root", .text(root.hash.hex)), ("trusted", "root from", .text(root.source)),
            ]))
        case ("consistency", .consistency(let p)):
            let old = try trustedRoot(call, root: oldRoot, checkpoint: oldCheckpoint, size: p.oldSize)
            let new = try trustedRoot(call, root: newRoot, checkpoint: newCheckpoint, size: p.newSize)
            do {
                try MerkleProof.checkConsistency(oldSize: p.oldSize, newSize: p.newSize, oldRoot: old.hash, newRoot: new.hash, proof: p.hashes)
            } catch { throw CommandError("\(path): \(error)") }
            return .record(RecordResult(fields: [
                ("verdict", "verdict", .text("ok")), ("old_size", "old size", .integer(Int64(p.oldSize))),
                ("new_size", "new size", .integer(Int64(p.newSize))), ("old_root", "old root", .text(old.hash.hex)),
                ("new_root", "new root", .text(new.hash.hex)),
            ]))
        case ("inclusion", _), ("consistency", _):
            throw CommandError("\(path) is not \(kind == "inclusion" ? "an inclusion" : "a consistency") proof")
        default:
            throw call.misuse
        }
    }

    /// The root a proof is checked against: given in hex, or read from a checkpoint
    /// whose signature verifies and whose size is the proof's.
    private static func trustedRoot(_ call: CommandCall, root: CommandOption<String>, checkpoint: CommandOption<String>,
                                    size: UInt64) throws -> (hash: MerkleHash, source: String) {
        if let hex = call[root] {
            guard let h = MerkleHash(hex: hex) else { throw CommandError("\(root.name): '\(hex)' is not a 64-digit hex root") }
            return (h, "given")
        }
        guard let (cp, key) = try SignedCheckpoint.given(call, checkpoint) else {
            throw CommandError("say which root you trust; " + misuse)
        }
        guard cp.size == size else {
            throw CommandError("the checkpoint covers \(cp.size) records, the proof is for a tree of \(size)")
        }
        return (cp.root, "checkpoint signed by \(key.name)")
    }
}
