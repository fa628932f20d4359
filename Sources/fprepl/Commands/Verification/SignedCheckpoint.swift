import EventStore

/// Reading the keys and signed checkpoints that `verify`, `checkpoint` and `check` are
/// given, and checking that a log still holds a checkpoint's records.
enum SignedCheckpoint {
    /// `--origin O`: the name a checkpoint was signed under, when not the store's own.
    static let origin = CommandOption.text("--origin", "O", expects: "an origin line",
                                           help: "the log's name in the checkpoint (default: fp-ledger/ and the store's id)")

    /// `--key PUB`: the verifier key that a checkpoint's signature is checked with.
    static let key = CommandOption.text("--key", "PUB", expects: "a verifier key file (NAME.pub)",
                                 help: "the verifier key that checks the checkpoint's signature")

    /// The checkpoint given with `option` and checked with the key of `--key`, or `nil`
    /// when `option` was not given.
    static func given(_ call: CommandCall, _ option: CommandOption<String>) throws -> (LogCheckpoint, CheckpointVerifierKey)? {
        guard let path = call[option] else { return nil }
        guard let keyPath = call[key] else { throw CommandError("\(option.name) needs --key PUBKEY to check its signature") }
        let key = try verifierKey(keyPath)
        return (try open(path, key: key), key)
    }

    static func verifierKey(_ path: String) throws -> CheckpointVerifierKey {
        let text = try readTextFileForCommand(path)
        do { return try CheckpointVerifierKey(text: text) } catch { throw CommandError("\(path): \(error)") }
    }

    static func open(_ path: String, key: CheckpointVerifierKey) throws -> LogCheckpoint {
        let text = try readTextFileForCommand(path)
        do { return try LogCheckpoint.open(text, verifiedBy: key) } catch { throw CommandError("\(path): \(error)") }
    }

    /// The log holds the checkpoint's records unchanged: same origin, at least as
    /// many records, and the same root over the first `size`. Run after
    /// ``VerifyCommand/checkedRecords(_:in:for:)``, which has recomputed every kept hash
    /// from the records, so that the root compared is the records' own.
    /// `origin`: the name the checkpoint was signed under (`--origin`), when not the
    /// store's own `fp-ledger/` and id.
    static func checkExtends(_ cp: LogCheckpoint, store: any EventLog, session: Session, origin given: String?) throws {
        let origin = given ?? LogCheckpoint.origin(storeID: store.storeID)
        guard cp.origin == origin else {
            let hint = given == nil ? " (a checkpoint signed with --origin is checked with the same --origin)" : ""
            throw CommandError("the checkpoint is for the log \(echoed(cp.origin)); this store is \(echoed(origin))\(hint)")
        }
        let n = store.endPosition
        guard cp.size <= n else {
            throw CommandError("the log has \(n) records but the checkpoint covers \(cp.size): records were removed")
        }
        let root = try store.digest(size: cp.size).root
        guard root == cp.root else {
            let found = lastRepair(store, session: session).map { " (the kept tree was rebuilt from the records: \($0.last))" } ?? ""
            throw CommandError("the log was rewritten: its first \(cp.size) records, hashed from the records, have root \(root.hex); "
                + "the checkpoint says \(cp.root.hex)" + found)
        }
    }

    /// What was found wrong with the kept Merkle tree and rebuilt, on this open or on
    /// record in the store's `REPAIRS`: the records it was rebuilt for were checked only
    /// against hashes made from themselves, which only a checkpoint from before proves.
    static func repairsNote(_ store: any EventLog, session: Session) -> String? {
        guard let (count, last) = lastRepair(store, session: session) else { return nil }
        return "the kept tree was rebuilt from the records \(count == 1 ? "once" : "\(count) times") (the last: \(last)); "
            + "those records were checked against hashes made from themselves, which only a checkpoint from before proves"
    }

    /// How many repairs of the kept tree this open found or `REPAIRS` records, and the last.
    private static func lastRepair(_ store: any EventLog, session: Session) -> (count: Int, last: String)? {
        let recorded = (store as? EventStore)?.recordedRepairs ?? []
        let opened = session.openingWarnings.filter { line in !recorded.contains { $0.hasSuffix(line) } }
        let all = opened + recorded
        return all.last.map { (all.count, $0) }
    }
}
