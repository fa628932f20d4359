import EventStore
import Foundation
import Projections

/// The verifiable log: `digest`, `verify`, `keygen`, `checkpoint`, `prove`, `check`.
/// See docs/verification.md.
enum VerificationCommands {
    // MARK: digest, verify

    static func digest(_ args: [String], _ session: Session) throws -> String {
        guard args.isEmpty else { throw CommandError("digest takes no arguments") }
        let store = try HouseholdCommands.openForReading(session)
        let d = try storeCall { try store.digest() }
        return RecordResult(fields: [("size", "size", .integer(Int64(d.size))), ("root", "root", .text(d.root.hex))]).render(session.mode)
    }

    static func verify(_ args: [String], _ session: Session) throws -> String {
        var options = try Options(args, command: "verify", allowed: ["--checkpoint", "--key"])
        guard options.positional.isEmpty else { throw CommandError("verify takes no arguments; options: --checkpoint FILE --key PUBKEY") }
        let checkpoint = try options.checkpoint(flag: "--checkpoint")
        let store = try HouseholdCommands.openForReading(session)
        let progress = Progress(label: "verifying", enabled: session.showsProgress)
        let report = store.verify { done, total in progress.update(done: Int(done), total: Int(total), unit: "records") }
        progress.finish()
        if let damage = report.damage { throw CommandError("verify: \(damage)") }
        guard let digest = report.digest else { throw CommandError("verify: the Merkle tree could not be recomputed") }
        var fields: [(key: String, label: String, value: ResultValue)] = [
            ("records", "records", .integer(Int64(report.records))),
            ("bytes", "bytes", .integer(report.bytes)),
            ("root", "root", .text(digest.root.hex)),
        ]
        if let (cp, _) = checkpoint {
            try checkExtends(cp, store: store)
            fields.append(("checkpoint", "checkpoint", .text("the log extends the checkpoint of \(cp.size) records")))
        }
        fields.append(("verdict", "verdict", .text("ok")))
        return RecordResult(fields: fields).render(session.mode)
    }

    /// The log holds the checkpoint's records unchanged: same origin, at least as
    /// many records, and the same root over the first `size`.
    static func checkExtends(_ cp: LogCheckpoint, store: any EventLog) throws {
        let origin = LogCheckpoint.origin(storeID: store.storeID)
        guard cp.origin == origin else {
            throw CommandError("the checkpoint is for the log \(cp.origin); this store is \(origin)")
        }
        let n = store.endPosition
        guard cp.size <= n else {
            throw CommandError("the log has \(n) records but the checkpoint covers \(cp.size): records were removed")
        }
        let root = try storeCall { try store.digest(size: cp.size).root }
        guard root == cp.root else {
            throw CommandError("the log was rewritten: its first \(cp.size) records have root \(root.hex), the checkpoint says \(cp.root.hex)")
        }
    }

    // MARK: keygen, checkpoint

    static func keygen(_ args: [String], _ session: Session) throws -> String {
        let options = try Options(args, command: "keygen", allowed: ["--dir"])
        guard options.positional.count == 1 else { throw CommandError("keygen takes a key name: keygen inspector-2026 [--dir DIR]") }
        let name = options.positional[0]
        let dir = options.value("--dir") ?? "."
        let key: CheckpointSigningKey
        do { key = try CheckpointSigningKey.generate(name: name) } catch { throw CommandError("keygen: \(error)") }
        let keyPath = dir + "/" + name + ".key", pubPath = dir + "/" + name + ".pub"
        for p in [keyPath, pubPath] where FileManager.default.fileExists(atPath: p) {
            throw CommandError("keygen: \(p) exists; a key is never overwritten")
        }
        try writeFileForCommand(key.text, to: keyPath, mode: 0o600)
        try writeFileForCommand(key.verifier.text, to: pubPath, mode: 0o644)
        return RecordResult(fields: [
            ("name", "name", .text(name)),
            ("signing_key", "signing key (secret)", .text(keyPath)),
            ("verifier_key", "verifier key", .text(pubPath)),
            ("public_key", "public key", .text(key.verifier.text.trimmingCharacters(in: .newlines))),
        ]).render(session.mode)
    }

    static func checkpoint(_ args: [String], _ session: Session) throws -> String {
        let options = try Options(args, command: "checkpoint", allowed: ["--sign", "--verify", "--origin", "--out"])
        if let pub = options.value("--verify") {
            guard options.positional.count == 1 else { throw CommandError("checkpoint --verify PUBKEY FILE: name the checkpoint file") }
            let key = try verifierKey(pub)
            let path = options.positional[0]
            let cp = try openCheckpoint(path, key: key)
            let store = try HouseholdCommands.openForReading(session)
            do { try checkExtends(cp, store: store) } catch let e as CommandError { throw CommandError("\(path): \(e.message)") }
            return RecordResult(fields: [
                ("origin", "origin", .text(cp.origin)), ("size", "size", .integer(Int64(cp.size))), ("root", "root", .text(cp.root.hex)),
                ("signature", "signature", .text("ok (\(key.name))")),
                ("log", "log", .text("holds these \(cp.size) records unchanged, and \(store.endPosition - cp.size) more")),
            ]).render(session.mode)
        }
        guard options.positional.isEmpty else { throw CommandError("checkpoint takes options only: --sign KEY [--origin O] [--out FILE], or --verify PUBKEY FILE") }
        guard let keyPath = options.value("--sign") else {
            throw CommandError("checkpoint --sign KEY [--origin O] [--out FILE] signs the log's digest; checkpoint --verify PUBKEY FILE checks one")
        }
        let text = try readTextFileForCommand(keyPath)
        let key: CheckpointSigningKey
        do { key = try CheckpointSigningKey(text: text) } catch { throw CommandError("\(keyPath): \(error)") }
        let store = try HouseholdCommands.openForReading(session)
        let d = try storeCall { try store.digest() }
        let cp = LogCheckpoint(origin: options.value("--origin") ?? LogCheckpoint.origin(storeID: store.storeID), size: d.size, root: d.root)
        let note = cp.signed(by: key)
        if session.mode == .json, options.value("--out") == nil {
            return RecordResult(fields: [("origin", "origin", .text(cp.origin)), ("size", "size", .integer(Int64(cp.size))),
                                         ("root", "root", .text(cp.root.base64)), ("checkpoint", "checkpoint", .text(note))]).render(.json)
        }
        if let out = options.value("--out") {
            try writeFileForCommand(note, to: out, mode: 0o644)
            return "wrote the checkpoint of \(cp.size) records, signed by \(key.name), to \(out)\n"
        }
        return note
    }

    // MARK: prove, check

    static func prove(_ args: [String], _ session: Session) throws -> String {
        let options = try Options(args, command: "prove", allowed: ["--size", "--out"])
        let usage = "prove inclusion POSITION [--size N] | prove consistency OLD_SIZE [NEW_SIZE]  (either with --out FILE)"
        guard let kind = options.positional.first else { throw CommandError(usage) }
        let store = try HouseholdCommands.openForReading(session)
        let json: String
        switch kind {
        case "inclusion":
            guard options.positional.count == 2, let pos = UInt64(options.positional[1]) else { throw CommandError(usage) }
            let size = try options.number("--size")
            let p = try storeCall { try store.inclusionProof(position: pos, size: size) }
            json = ProofFile.inclusion(p)
        case "consistency":
            guard (2...3).contains(options.positional.count), let old = UInt64(options.positional[1]) else { throw CommandError(usage) }
            var new: UInt64?
            if options.positional.count == 3 {
                guard let n = UInt64(options.positional[2]) else { throw CommandError(usage) }
                new = n
            }
            let p = try storeCall { try store.consistencyProof(from: old, to: new) }
            json = ProofFile.consistency(p)
        default: throw CommandError(usage)
        }
        if let out = options.value("--out") {
            try writeFileForCommand(json, to: out, mode: 0o644)
            return "wrote the \(kind) proof to \(out)\n"
        }
        return json
    }

    static func check(_ args: [String], _ session: Session) throws -> String {
        var options = try Options(args, command: "check",
                                  allowed: ["--root", "--checkpoint", "--key", "--old-root", "--new-root", "--old-checkpoint", "--new-checkpoint"])
        let usage = "check inclusion PROOF (--root HEX | --checkpoint FILE --key PUBKEY) | "
            + "check consistency PROOF (--old-root HEX --new-root HEX | --old-checkpoint FILE --new-checkpoint FILE --key PUBKEY)"
        guard options.positional.count == 2 else { throw CommandError(usage) }
        let (kind, path) = (options.positional[0], options.positional[1])
        let text = try readTextFileForCommand(path)
        let proof = try ProofFile.parse(text, path: path)
        switch (kind, proof) {
        case ("inclusion", .inclusion(let p)):
            let root = try trustedRoot(&options, rootFlag: "--root", checkpointFlag: "--checkpoint", size: p.size, usage: usage)
            if !p.canonicalBytes.isEmpty, MerkleHash.leaf(p.canonicalBytes) != p.leafHash {
                throw CommandError("\(path): the record's bytes do not hash to the proof's leaf hash")
            }
            do {
                try MerkleProof.checkInclusion(leaf: p.leafHash, index: p.position, size: p.size, proof: p.hashes, root: root.hash)
            } catch { throw CommandError("\(path): \(error)") }
            return RecordResult(fields: [
                ("verdict", "verdict", .text("ok")), ("position", "position", .integer(Int64(p.position))),
                ("size", "size", .integer(Int64(p.size))), ("root", "root", .text(root.hash.hex)), ("trusted", "root from", .text(root.source)),
            ]).render(session.mode)
        case ("consistency", .consistency(let p)):
            let old = try trustedRoot(&options, rootFlag: "--old-root", checkpointFlag: "--old-checkpoint", size: p.oldSize, usage: usage)
            let new = try trustedRoot(&options, rootFlag: "--new-root", checkpointFlag: "--new-checkpoint", size: p.newSize, usage: usage)
            do {
                try MerkleProof.checkConsistency(oldSize: p.oldSize, newSize: p.newSize, oldRoot: old.hash, newRoot: new.hash, proof: p.hashes)
            } catch { throw CommandError("\(path): \(error)") }
            return RecordResult(fields: [
                ("verdict", "verdict", .text("ok")), ("old_size", "old size", .integer(Int64(p.oldSize))),
                ("new_size", "new size", .integer(Int64(p.newSize))), ("old_root", "old root", .text(old.hash.hex)),
                ("new_root", "new root", .text(new.hash.hex)),
            ]).render(session.mode)
        case ("inclusion", _), ("consistency", _):
            throw CommandError("\(path) is not \(kind == "inclusion" ? "an inclusion" : "a consistency") proof")
        default:
            throw CommandError(usage)
        }
    }

    /// The root a proof is checked against: given in hex, or read from a checkpoint
    /// whose signature verifies and whose size is the proof's.
    private static func trustedRoot(_ options: inout Options, rootFlag: String, checkpointFlag: String, size: UInt64,
                                    usage: String) throws -> (hash: MerkleHash, source: String) {
        if let hex = options.value(rootFlag) {
            guard let h = MerkleHash(hex: hex) else { throw CommandError("\(rootFlag): '\(hex)' is not a 64-digit hex root") }
            return (h, "given")
        }
        guard let (cp, key) = try options.checkpoint(flag: checkpointFlag) else {
            throw CommandError("say which root you trust; " + usage)
        }
        guard cp.size == size else {
            throw CommandError("the checkpoint covers \(cp.size) records, the proof is for a tree of \(size)")
        }
        return (cp.root, "checkpoint signed by \(key.name)")
    }

    // MARK: Helpers

    static func storeCall<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError { throw CommandError(e.description) }
    }

    static func verifierKey(_ path: String) throws -> CheckpointVerifierKey {
        let text = try readTextFileForCommand(path)
        do { return try CheckpointVerifierKey(text: text) } catch { throw CommandError("\(path): \(error)") }
    }

    static func openCheckpoint(_ path: String, key: CheckpointVerifierKey) throws -> LogCheckpoint {
        let text = try readTextFileForCommand(path)
        do { return try LogCheckpoint.open(text, verifiedBy: key) } catch { throw CommandError("\(path): \(error)") }
    }

    /// `--flag value` options and positional words, checked against what a command takes.
    struct Options {
        var positional: [String] = []
        var values: [String: String] = [:]

        init(_ args: [String], command: String, allowed: Set<String>) throws {
            var rest = args[...]
            while let a = rest.popFirst() {
                if a.hasPrefix("--") {
                    guard allowed.contains(a) else {
                        throw CommandError("\(command): unknown option \(a); options: \(allowed.sorted().joined(separator: ", "))")
                    }
                    guard let v = rest.popFirst() else { throw CommandError("\(command): \(a) takes a value") }
                    values[a] = v
                } else {
                    positional.append(a)
                }
            }
        }

        func value(_ flag: String) -> String? { values[flag] }

        func number(_ flag: String) throws -> UInt64? {
            guard let v = values[flag] else { return nil }
            guard let n = UInt64(v) else { throw CommandError("\(flag) takes a number, not '\(v)'") }
            return n
        }

        /// A checkpoint file given with `flag`, checked with the key of `--key`.
        mutating func checkpoint(flag: String) throws -> (LogCheckpoint, CheckpointVerifierKey)? {
            guard let path = values[flag] else { return nil }
            guard let keyPath = values["--key"] else { throw CommandError("\(flag) needs --key PUBKEY to check its signature") }
            let key = try VerificationCommands.verifierKey(keyPath)
            return (try VerificationCommands.openCheckpoint(path, key: key), key)
        }
    }
}

/// The JSON form of proofs, as `prove` writes them and `check` reads them. Hashes in
/// lowercase hex; the record's canonical bytes in base64 so its leaf hash can be
/// recomputed by anyone.
enum ProofFile {
    enum Parsed {
        case inclusion(EventStore.InclusionProof)
        case consistency(EventStore.ConsistencyProof)
    }

    static func inclusion(_ p: EventStore.InclusionProof) -> String {
        "{\"proof\":\"inclusion\",\"position\":\(p.position),\"size\":\(p.size),\"leaf_hash\":\"\(p.leafHash.hex)\","
            + "\"root\":\"\(p.root.hex)\",\"hashes\":\(hexList(p.hashes)),"
            + "\"record\":\"\(Base64.encode(p.canonicalBytes))\"}\n"
    }

    static func consistency(_ p: EventStore.ConsistencyProof) -> String {
        "{\"proof\":\"consistency\",\"old_size\":\(p.oldSize),\"new_size\":\(p.newSize),\"old_root\":\"\(p.oldRoot.hex)\","
            + "\"new_root\":\"\(p.newRoot.hex)\",\"hashes\":\(hexList(p.hashes))}\n"
    }

    static func hexList(_ hashes: [MerkleHash]) -> String {
        "[" + hashes.map { "\"\($0.hex)\"" }.joined(separator: ",") + "]"
    }

    static func parse(_ text: String, path: String) throws -> Parsed {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw CommandError("\(path): not JSON: \(error)") }
        guard case .object(let o) = value else { throw CommandError("\(path): a proof is a JSON object") }
        func field(_ name: String) throws -> JSONValue {
            guard let v = o[name] else { throw CommandError("\(path): field \(name) is missing") }
            return v
        }
        func number(_ name: String) throws -> UInt64 {
            guard case .integer(let n) = try field(name), n >= 0 else { throw CommandError("\(path): field \(name) must be a whole number") }
            return UInt64(n)
        }
        func hash(_ name: String) throws -> MerkleHash {
            guard case .string(let s) = try field(name), let h = MerkleHash(hex: s) else {
                throw CommandError("\(path): field \(name) must be a 64-digit hex hash")
            }
            return h
        }
        func hashes() throws -> [MerkleHash] {
            guard case .array(let items) = try field("hashes") else { throw CommandError("\(path): field hashes must be an array") }
            return try items.enumerated().map { i, v in
                guard case .string(let s) = v, let h = MerkleHash(hex: s) else {
                    throw CommandError("\(path): hashes[\(i)] must be a 64-digit hex hash")
                }
                return h
            }
        }
        guard case .string(let kind) = try field("proof") else { throw CommandError("\(path): field proof must be a string") }
        switch kind {
        case "inclusion":
            var bytes: [UInt8] = []
            if let r = o["record"] {
                guard case .string(let s) = r, let b = Base64.decode(s) else { throw CommandError("\(path): field record must be base64") }
                bytes = b
            }
            return .inclusion(EventStore.InclusionProof(position: try number("position"), size: try number("size"), leafHash: try hash("leaf_hash"),
                                                        root: try hash("root"), hashes: try hashes(), canonicalBytes: bytes))
        case "consistency":
            return .consistency(EventStore.ConsistencyProof(oldSize: try number("old_size"), newSize: try number("new_size"),
                                                            oldRoot: try hash("old_root"), newRoot: try hash("new_root"), hashes: try hashes()))
        default:
            throw CommandError("\(path): field proof must be inclusion or consistency, not '\(kind)'")
        }
    }
}
