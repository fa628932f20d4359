import EventStore
import Projections

/// The JSON form of proofs, as `prove` writes them and `check` reads them. Hashes in
/// lowercase hex; the record's canonical bytes in base64 so its leaf hash can be
/// recomputed by anyone.
enum ProofFile {
    enum Parsed {
        case inclusion(InclusionProof)
        case consistency(ConsistencyProof)
        case spotCheck(SpotCheckFile)
    }

    /// What `spot-check` writes: the seed and tree size the positions were drawn for,
    /// the root the office claims, and each drawn record with its proof.
    struct SpotCheckFile {
        var seed: String
        var size: UInt64
        var root: MerkleHash
        var records: [InclusionProof]
    }

    /// An inclusion proof as JSON.
    static func json(_ p: InclusionProof) -> JSONValue {
        .object(JSONObject([
            ("proof", .string("inclusion")), ("position", .integer(Int64(p.position))), ("size", .integer(Int64(p.size))),
            ("leaf_hash", .string(p.leafHash.hex)), ("root", .string(p.root.hex)), ("hashes", hexList(p.hashes)),
            ("record", .string(Base64.encode(p.canonicalBytes))),
        ]))
    }

    /// A consistency proof as JSON.
    static func json(_ p: ConsistencyProof) -> JSONValue {
        .object(JSONObject([
            ("proof", .string("consistency")), ("old_size", .integer(Int64(p.oldSize))), ("new_size", .integer(Int64(p.newSize))),
            ("old_root", .string(p.oldRoot.hex)), ("new_root", .string(p.newRoot.hex)), ("hashes", hexList(p.hashes)),
        ]))
    }

    static func hexList(_ hashes: [MerkleHash]) -> JSONValue {
        .array(hashes.map { .string($0.hex) })
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
        func hashes(_ o: JSONObject = o, at place: String = "") throws -> [MerkleHash] {
            guard case .array(let items) = o["hashes"] ?? .null else { throw CommandError("\(path): field \(place)hashes must be an array") }
            return try items.enumerated().map { i, v in
                guard case .string(let s) = v, let h = MerkleHash(hex: s) else {
                    throw CommandError("\(path): \(place)hashes[\(i)] must be a 64-digit hex hash")
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
            return .inclusion(InclusionProof(position: try number("position"), size: try number("size"), leafHash: try hash("leaf_hash"),
                                                        root: try hash("root"), hashes: try hashes(), canonicalBytes: bytes))
        case "consistency":
            return .consistency(ConsistencyProof(oldSize: try number("old_size"), newSize: try number("new_size"),
                                                            oldRoot: try hash("old_root"), newRoot: try hash("new_root"), hashes: try hashes()))
        case "spot-check":
            guard case .string(let seed) = try field("seed") else { throw CommandError("\(path): field seed must be a string") }
            guard case .array(let items) = try field("records") else { throw CommandError("\(path): field records must be an array") }
            let size = try number("size"), root = try hash("root")
            let records = try items.enumerated().map { i, item -> InclusionProof in
                let place = "records[\(i)]."
                guard case .object(let r) = item else { throw CommandError("\(path): records[\(i)] must be an object") }
                guard case .integer(let p) = r["position"] ?? .null, p >= 0 else {
                    throw CommandError("\(path): field \(place)position must be a whole number")
                }
                guard case .string(let l) = r["leaf_hash"] ?? .null, let leaf = MerkleHash(hex: l) else {
                    throw CommandError("\(path): field \(place)leaf_hash must be a 64-digit hex hash")
                }
                guard case .string(let b) = r["record"] ?? .null, let bytes = Base64.decode(b) else {
                    throw CommandError("\(path): field \(place)record must be base64")
                }
                return InclusionProof(position: UInt64(p), size: size, leafHash: leaf, root: root, hashes: try hashes(r, at: place),
                                      canonicalBytes: bytes)
            }
            return .spotCheck(SpotCheckFile(seed: seed, size: size, root: root, records: records))
        default:
            throw CommandError("\(path): field proof must be inclusion, consistency or spot-check, not \(echoed(kind))")
        }
    }
}
