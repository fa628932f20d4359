import Foundation
import EventStore
import Projections

/// `check inclusion PROOF ...`, `check consistency PROOF ...` and `check spot-check FILE
/// ...`: a proof checked against roots the caller trusts, given in hex or from signed
/// checkpoints, with no store.
enum CheckCommand: ReplCommand {
    static let name = "check"
    static let summary = "check a proof against a root you trust, without any store"
    static let usage = ["check inclusion PROOF (--root HEX | --checkpoint FILE --key PUB)",
                        "check consistency PROOF (--old-root HEX --new-root HEX | --old-checkpoint FILE --new-checkpoint FILE --key PUB)",
                        "check spot-check FILE (--root HEX | --checkpoint FILE --key PUB) [--seed S]"]
    static let example = "check consistency since-march.json --old-checkpoint march.checkpoint --new-checkpoint today.checkpoint --key inspector-2026.pub"
    static let reference = "check a proof against roots you trust, with no store"

    static let root = CommandOption.text("--root", "HEX", expects: "a root in hex", help: "the root the inclusion proof must reach")
    static let checkpoint = CommandOption.text("--checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint whose root the inclusion proof must reach")
    static let oldRoot = CommandOption.text("--old-root", "HEX", expects: "a root in hex", help: "the root of the older tree")
    static let newRoot = CommandOption.text("--new-root", "HEX", expects: "a root in hex", help: "the root of the newer tree")
    static let oldCheckpoint = CommandOption.text("--old-checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint of the older tree")
    static let newCheckpoint = CommandOption.text("--new-checkpoint", "FILE", expects: "a checkpoint file", help: "a signed checkpoint of the newer tree")
    static let seed = CommandOption.text("--seed", "S", expects: "the seed you chose", help: "the seed the spot check's positions must be drawn from")
    static let misuse = "check inclusion PROOF (--root HEX | --checkpoint FILE --key PUBKEY) | "
        + "check consistency PROOF (--old-root HEX --new-root HEX | --old-checkpoint FILE --new-checkpoint FILE --key PUBKEY) | "
        + "check spot-check FILE (--root HEX | --checkpoint FILE --key PUBKEY) [--seed S]"
    static let syntax = CommandSyntax.words(
        [Word("KIND", completes: .words(["inclusion", "consistency", "spot-check"])), Word("PROOF")],
        options: [root, checkpoint, SignedCheckpoint.key, oldRoot, newRoot, oldCheckpoint, newCheckpoint, seed].map(\.declaration),
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
        case ("spot-check", .spotCheck(let file)):
            return try spotCheck(file, call, path: path)
        case ("inclusion", _), ("consistency", _), ("spot-check", _):
            throw CommandError("\(path) is not \(["inclusion": "an inclusion proof", "consistency": "a consistency proof"][kind] ?? "a spot check")")
        default:
            throw call.misuse
        }
    }

    /// A spot check: the positions are those drawn from the seed (yours, with --seed),
    /// and each record's leaf, recomputed from its bytes (which must hold its position),
    /// reaches the trusted root by its proof.
    private static func spotCheck(_ file: ProofFile.SpotCheckFile, _ call: CommandCall, path: String) throws -> CommandResult {
        let root = try trustedRoot(call, root: Self.root, checkpoint: checkpoint, size: file.size)
        if let mine = call[seed], mine != file.seed {
            throw CommandError("\(path): drawn from the seed \(echoed(file.seed)), not yours (\(echoed(mine)))")
        }
        guard file.root == root.hash else {
            throw CommandError("\(path): the office's tree of \(file.size) records has root \(file.root.hex), not the trusted \(root.hash.hex): "
                + "the records the trusted root covers were changed since (a consistency proof to it cannot exist either)")
        }
        let k = file.records.count
        guard k > 0, UInt64(k) <= file.size else {
            throw CommandError("\(path): holds \(k) records for a tree of \(file.size): nothing to check")
        }
        let expected = SpotCheck.positions(seed: file.seed, count: k, size: file.size)
        let given = file.records.map(\.position)
        guard given == expected else {
            let i = given.indices.first { given[$0] != expected[$0] } ?? 0
            throw CommandError("\(path): records[\(i)] is position \(given[i]), but the \(k) positions drawn from seed \(echoed(file.seed)) "
                + "among \(file.size) records are not those (the \(i + 1)th is \(expected[i])): the office chose which records to show")
        }
        for (i, p) in file.records.enumerated() {
            let place = "\(path): records[\(i)] (position \(p.position))"
            guard SpotCheck.position(ofCanonicalBytes: p.canonicalBytes) == p.position else {
                throw CommandError("\(place): the record's bytes are not a record at that position")
            }
            let leaf = MerkleHash.leaf(p.canonicalBytes)
            do {
                try MerkleProof.checkInclusion(leaf: leaf, index: p.position, size: file.size, proof: p.hashes, root: root.hash)
            } catch {
                let why = leaf != p.leafHash
                    ? "the record's bytes hash to \(leaf.hex), but the office's tree keeps \(p.leafHash.hex) for it: the record was changed after it was hashed"
                    : "\(error)"
                throw CommandError("\(place): not the record the trusted root covers: \(why)")
            }
        }
        let onePercent = SpotCheck.missProbability(records: file.size, rewritten: max(1, file.size / 100), draws: k)
        return .record(RecordResult(fields: [
            ("verdict", "verdict", .text("ok")), ("records", "records", .integer(Int64(k))), ("seed", "seed", .text(file.seed)),
            ("seed_checked", "seed checked", .text(call[seed] == nil ? "no: give --seed S to check it is yours" : "yes")),
            ("size", "size", .integer(Int64(file.size))), ("root", "root", .text(root.hash.hex)), ("trusted", "root from", .text(root.source)),
            ("miss_1_percent", "misses 1% rewritten", .text(String(format: "with probability %.2g", onePercent))),
        ]))
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
