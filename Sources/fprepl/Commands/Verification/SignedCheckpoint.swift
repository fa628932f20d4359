import EventStore

/// Reading the keys and signed checkpoints that `verify`, `checkpoint` and `check` are
/// given, and checking that a log still holds a checkpoint's records.
enum SignedCheckpoint {
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
        let root = try store.digest(size: cp.size).root
        guard root == cp.root else {
            throw CommandError("the log was rewritten: its first \(cp.size) records have root \(root.hex), the checkpoint says \(cp.root.hex)")
        }
    }
}
