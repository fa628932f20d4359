import EventStore
import Projections

/// `spot-check --seed S --count K [--size N] [--out FILE]`: the office side of a spot
/// check. The records at the K positions drawn from the inspector's seed, each with its
/// canonical bytes and its inclusion proof in the tree of the first N records, as one
/// JSON document that `check spot-check` checks against a checkpoint.
enum SpotCheckCommand: ReplCommand {
    static let name = "spot-check"
    static let summary = "the records at positions drawn from an inspector's seed, with their bytes and inclusion proofs (JSON)"
    static let usage = ["spot-check --seed S --count K [--size N] [--out FILE]"]
    static let example = "spot-check --seed 2026-06-inspection --count 300 --size 1200 --out june-spot-check.json"
    static let reference = "the K records drawn from seed S among the first N (default: all), with their canonical bytes and inclusion "
        + "proofs; JSON in every mode; `check spot-check` checks it"

    static let seed = CommandOption.text("--seed", "S", expects: "a seed (any text the inspector chooses)",
                                         help: "the inspector's seed the positions are drawn from")
    static let count = CommandOption.wholeNumber("--count", help: "how many distinct positions to draw")
    static let size = CommandOption.wholeNumber("--size", help: "draw among the first N records, the size of the inspector's checkpoint (default: all)")
    static let out = CommandOption.text("--out", "FILE", expects: "a file", help: "write the spot check to FILE")
    /// More draws than this make a file too large to hand over; 10^5 already finds a
    /// rewrite of 0.005% of the records with 99% certainty.
    static let largestCount: UInt64 = 100_000
    static let syntax = CommandSyntax.words([], options: [seed.declaration, count.declaration, size.declaration, out.declaration],
                                            misuse: "spot-check --seed S --count K [--size N] [--out FILE]")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        guard let seed = call[seed], !seed.isEmpty else { throw CommandError("spot-check needs --seed S: the inspector's seed") }
        guard let k = call[count], k > 0 else { throw CommandError("spot-check needs --count K: how many records to draw (1 or more)") }
        guard k <= largestCount else { throw CommandError("--count \(k) is too many: at most \(largestCount) records are drawn at once") }
        let store = try session.store()
        let n = call[size] ?? store.endPosition
        guard n <= store.endPosition else {
            throw CommandError("--size \(n): the log has only \(store.endPosition) records")
        }
        guard k <= n else { throw CommandError("--count \(k): the first \(n) records hold fewer than that to draw") }
        let positions = SpotCheck.positions(seed: seed, count: Int(k), size: n)
        let progress = Progress(label: "drawing records", enabled: session.showsProgress)
        var records: [JSONValue] = []
        records.reserveCapacity(positions.count)
        var root: MerkleHash?
        for (i, p) in positions.enumerated() {
            try progress.update(done: i, total: positions.count, unit: "records")
            let proof = try store.inclusionProof(position: p, size: n)
            root = proof.root
            records.append(.object(JSONObject([
                ("position", .integer(Int64(p))), ("leaf_hash", .string(proof.leafHash.hex)),
                ("hashes", ProofFile.hexList(proof.hashes)), ("record", .string(Base64.encode(proof.canonicalBytes))),
            ])))
        }
        progress.finish()
        let treeRoot = try root ?? store.digest(size: n).root
        let document = JSONValue.object(JSONObject([
            ("proof", .string("spot-check")), ("seed", .string(seed)), ("size", .integer(Int64(n))),
            ("root", .string(treeRoot.hex)), ("records", .array(records)),
        ]))
        if let out = call[out] {
            try writeFileForCommand(JSONWriter.write(document) + "\n", to: out, mode: 0o644)
            return .said("wrote the spot check of \(counted(Int(k), "record")) drawn from seed \(echoed(seed)) to \(out)\n",
                         json: [("file", .string(out)), ("proof", .string("spot-check")), ("count", .integer(Int64(k)))])
        }
        return .json(document)
    }
}
