import EventStore
import Projections

/// `prove inclusion POS [--size N]` and `prove consistency OLD [NEW]`: a proof, as JSON
/// in every mode, that anyone can check without the store (docs/verification.md).
enum ProveCommand: ReplCommand {
    static let name = "prove"
    static let summary = "print a proof (JSON) that a record is in the log, or that the log extends an earlier size"
    static let usage = ["prove inclusion POS [--size N] [--out FILE]", "prove consistency OLD [NEW] [--out FILE]"]
    static let example = "prove consistency 1200 --out since-march.json"
    static let reference = "a proof that a record is in the tree of the first N records (default: all), or that the log of NEW records "
        + "(default: all) extends the first OLD; JSON in every mode"

    static let size = CommandOption.wholeNumber("--size", help: "prove inclusion in the tree of the first N records (default: all)")
    static let out = CommandOption.text("--out", "FILE", expects: "a file", help: "write the proof to FILE")
    static let misuse = "prove inclusion POSITION [--size N] | prove consistency OLD_SIZE [NEW_SIZE]  (either with --out FILE)"
    static let syntax = CommandSyntax.words(
        [Word("KIND", completes: .words(["inclusion", "consistency"])), Word("POS"), Word("NEW", optional: true)],
        options: [size.declaration, out.declaration], misuse: misuse)

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let kind = call.words[0]
        let numbers = call.words.dropFirst().compactMap { UInt64($0) }
        guard numbers.count == call.words.count - 1 else { throw call.misuse }
        let store = try session.store()
        let proof: JSONValue
        switch (kind, numbers.count) {
        case ("inclusion", 1):
            proof = ProofFile.json(try store.inclusionProof(position: numbers[0], size: call[size]))
        case ("consistency", 1...2):
            proof = ProofFile.json(try store.consistencyProof(from: numbers[0], to: numbers.count == 2 ? numbers[1] : nil))
        default:
            throw call.misuse
        }
        if let out = call[out] {
            try writeFileForCommand(JSONWriter.write(proof) + "\n", to: out, mode: 0o644)
            return .said("wrote the \(kind) proof to \(out)\n", json: [("file", .string(out)), ("proof", .string(kind))])
        }
        return .json(proof)
    }
}
