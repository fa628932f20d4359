import Crypto
import Foundation

/// A signed statement of the log's size and root, in the C2SP tlog-checkpoint text
/// form (https://c2sp.org/tlog-checkpoint) wrapped in a C2SP signed note
/// (https://c2sp.org/signed-note) with an Ed25519 signature:
///
/// ```
/// fp-ledger/3f2a...            origin: which log
/// 1200                         tree size
/// 2rQ0...=                     root, base64
///
/// — inspector-2026 AAAA...     signer's name, base64(key id ‖ signature)
/// ```
///
/// An inspector who keeps one can later prove that the log still holds those records
/// unchanged (a consistency proof to today's checkpoint), without trusting the
/// machine that holds the log.
public struct LogCheckpoint: Sendable, Equatable {
    /// Which log: `fp-ledger/` and the store id, unless chosen otherwise.
    public var origin: String
    public var size: UInt64
    public var root: MerkleHash

    public init(origin: String, size: UInt64, root: MerkleHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The default origin of a store's checkpoints.
    public static func origin(storeID: String) -> String { "fp-ledger/" + storeID }

    /// The signed body: origin, size and base64 root, one per line.
    public var body: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    /// The full signed note.
    public func signed(by key: CheckpointSigningKey) -> String {
        Self.signNote(body, by: key)
    }

    /// Why a checkpoint is refused.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    /// Reads a signed checkpoint and checks its signature by `key`.
    ///
    /// - Throws: ``Failure`` naming the line that is wrong, or the signature that
    ///   does not verify.
    public static func open(_ text: String, verifiedBy key: CheckpointVerifierKey) throws(Failure) -> LogCheckpoint {
        let body = try openNote(text, verifiedBy: key)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard lines.count >= 3 else { throw Failure("line \(lines.count + 1): a checkpoint has an origin, a size and a root") }
        let origin = lines[0]
        guard !origin.isEmpty else { throw Failure("line 1: the origin is empty") }
        guard let size = UInt64(lines[1]), lines[1] == String(size) else {
            throw Failure("line 2: '\(lines[1])' is not a tree size (a decimal number without leading zeros)")
        }
        guard let root = MerkleHash(base64: lines[2]) else {
            throw Failure("line 3: '\(lines[2])' is not the base64 of a 32-byte root")
        }
        return LogCheckpoint(origin: origin, size: size, root: root)
    }

    /// Signs a note body (text ending in a newline): the body, a blank line, and the
    /// signature line `— NAME BASE64(key id ‖ Ed25519 signature)`.
    public static func signNote(_ body: String, by key: CheckpointSigningKey) -> String {
        body + "\n" + "\u{2014} \(key.name) " + Base64.encode(key.keyID + key.sign(Array(body.utf8))) + "\n"
    }

    /// Checks a signed note's signature by `key` and returns its body.
    public static func openNote(_ text: String, verifiedBy key: CheckpointVerifierKey) throws(Failure) -> String {
        guard let split = text.range(of: "\n\n") else {
            throw Failure("not a signed note: no blank line between the text and the signatures")
        }
        let body = String(text[..<split.lowerBound]) + "\n"
        var found = false
        for line in text[split.upperBound...].split(separator: "\n") {
            let parts = line.hasPrefix("\u{2014} ") ? line.dropFirst(2).split(separator: " ") : []
            guard parts.count == 2, let blob = Base64.decode(String(parts[1])), blob.count > 4 else {
                throw Failure("'\(line)' is not a signature line (— NAME SIGNATURE)")
            }
            guard String(parts[0]) == key.name, Array(blob[0..<4]) == key.keyID else { continue }
            guard key.isValid(Array(blob[4...]), for: Array(body.utf8)) else {
                throw Failure("the signature by \(key.name) does not verify: the text was altered after signing, or signed by another key")
            }
            found = true
        }
        guard found else { throw Failure("no signature by \(key.name) (key id \(HexDigits.encode(key.keyID))) on it") }
        return body
    }
}

/// An Ed25519 signing key in the signed-note text form
/// `PRIVATE+KEY+NAME+KEYID+BASE64(0x01 ‖ seed)` (as golang.org/x/mod/sumdb/note).
public struct CheckpointSigningKey: Sendable {
    public let name: String
    let keyID: [UInt8]
    private let key: Curve25519.Signing.PrivateKey

    /// A new random key pair named `name` (no spaces, no `+`).
    public static func generate(name: String) throws(LogCheckpoint.Failure) -> CheckpointSigningKey {
        try checkName(name)
        let k = Curve25519.Signing.PrivateKey()
        return CheckpointSigningKey(name: name, key: k)
    }

    private init(name: String, key: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.key = key
        self.keyID = CheckpointVerifierKey.keyID(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// Reads the text form.
    public init(text: String) throws(LogCheckpoint.Failure) {
        let parts = text.trimmingWhitespace().split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
              let blob = Base64.decode(String(parts[4])), blob.count == 33, blob[0] == 1,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: blob[1...]) else {
            throw LogCheckpoint.Failure("not a signing key (PRIVATE+KEY+NAME+ID+KEY)")
        }
        self.init(name: String(parts[2]), key: key)
        guard HexDigits.encode(keyID) == parts[3] else {
            throw LogCheckpoint.Failure("the signing key's id \(parts[3]) does not match its key")
        }
    }

    /// The text form; keep it secret (the file is written with mode 0600).
    public var text: String {
        "PRIVATE+KEY+\(name)+\(HexDigits.encode(keyID))+" + Base64.encode([1] + Array(key.rawRepresentation)) + "\n"
    }

    /// The matching verifier key.
    public var verifier: CheckpointVerifierKey {
        CheckpointVerifierKey(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    func sign(_ message: [UInt8]) -> [UInt8] {
        // Ed25519 (RFC 8032) is deterministic: the same body always gets the same signature.
        Array((try? key.signature(for: message)) ?? Data())
    }

    static func checkName(_ name: String) throws(LogCheckpoint.Failure) {
        guard !name.isEmpty, !name.contains(where: { $0 == "+" || $0.isWhitespace }) else {
            throw LogCheckpoint.Failure("a key name must be non-empty, without spaces or '+': '\(name)'")
        }
    }
}

/// An Ed25519 verifier key in the signed-note text form `NAME+KEYID+BASE64(0x01 ‖ key)`.
public struct CheckpointVerifierKey: Sendable, Equatable {
    public let name: String
    let keyID: [UInt8]
    let publicKey: [UInt8]

    init(name: String, publicKey: [UInt8]) {
        self.name = name
        self.publicKey = publicKey
        self.keyID = Self.keyID(name: name, publicKey: publicKey)
    }

    /// Reads the text form.
    public init(text: String) throws(LogCheckpoint.Failure) {
        let parts = text.trimmingWhitespace().split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let blob = Base64.decode(String(parts[2])), blob.count == 33, blob[0] == 1 else {
            throw LogCheckpoint.Failure("not a verifier key (NAME+ID+KEY)")
        }
        self.init(name: String(parts[0]), publicKey: Array(blob[1...]))
        guard HexDigits.encode(keyID) == parts[1] else {
            throw LogCheckpoint.Failure("the verifier key's id \(parts[1]) does not match its key")
        }
    }

    /// The text form, to hand to anyone who checks checkpoints.
    public var text: String {
        "\(name)+\(HexDigits.encode(keyID))+" + Base64.encode([1] + publicKey) + "\n"
    }

    /// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), first four bytes.
    static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(MerkleHash.sha256(of: Array(name.utf8) + [0x0A, 0x01] + publicKey).bytes.prefix(4))
    }

    func isValid(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let k = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return k.isValidSignature(signature, for: message)
    }
}
