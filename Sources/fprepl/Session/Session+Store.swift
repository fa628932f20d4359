import EventStore
import Foundation
import PostgresStore
import Projections

extension Session {
    static let noStore = "no store: give --store PATH (or postgres://USER@HOST/DB), or --demo"

    /// The store, opened on first use for reading. Queries never take the write lock,
    /// so any number of sessions can read while one process writes.
    ///
    /// - Throws: ``CommandError``: no store was given, or it cannot be opened (`cannot
    ///   open the store: ...`).
    func store() throws -> any EventLog {
        guard let storePath else { throw CommandError(Self.noStore) }
        if openedStore == nil, storeIsMissing {
            // Said once: the commands after it would only repeat it.
            if missingStoreSaid, !interactive { throw SilentFailure() }
            missingStoreSaid = true
            throw CommandError("no store at \(storePath): the first import makes one there (import FILE); or give --store an existing store")
        }
        do {
            if let s = openedStore {
                try s.refresh()
                return s
            }
            if PostgresAddress.isAddress(storePath) {
                let s = try StoreOpener.open(storePath, readOnly: true)
                openedStore = s
                return s
            }
            var c = EventStore.Configuration()
            c.readOnly = true
            var s = try EventStore.open(storePath, configuration: c)
            // Said from this open: the writer that persists a rebuilt tree finds the same.
            let warnings = Self.warnings(s.recovery)
            if s.merkleTreeNeedsWriting, !readOnly, s.damage == nil, let upgraded = persistMerkleTree(storePath) {
                s = upgraded
            }
            openedStore = s
            noteOpening(warnings)
            return s
        } catch let e as StoreError {
            throw CommandError("cannot open the store: \(e)")
        }
    }

    /// Whether `--store` names a store directory that does not exist yet (the first
    /// import makes it).
    var storeIsMissing: Bool {
        guard let storePath, !PostgresAddress.isAddress(storePath) else { return false }
        return !FileManager.default.fileExists(atPath: storePath)
    }

    /// Removes the store a command made and then wrote nothing to (an import that
    /// failed, or of an empty file): a mistyped `--store` leaves no directory behind.
    func discardStoreMadeEmpty() {
        guard let storePath, let s = openedStore, s.endPosition == 0 else { return }
        try? s.close()
        openedStore = nil
        try? FileManager.default.removeItem(atPath: storePath)
    }

    /// The store, opened for writing (taking the lock) for commands that append.
    func writableStore() throws -> any EventLog {
        if readOnly { throw CommandError("the store was opened with --read-only") }
        guard let storePath else { throw CommandError(Self.noStore) }
        if let s = openedStore, !s.isReadOnly { return s }
        try? openedStore?.close()
        openedStore = nil
        do {
            if PostgresAddress.isAddress(storePath) {
                let s = try StoreOpener.open(storePath, readOnly: false)
                openedStore = s
                return s
            }
            let s = try EventStore.open(storePath)
            openedStore = s
            noteOpening(Self.warnings(s.recovery))
            return s
        } catch let e as StoreError {
            throw CommandError("cannot open the store for writing: \(e)")
        }
    }

    /// Hashes the sealed segments of a store whose Merkle tree is missing or behind, and
    /// persists the tree, once (under the write lock, only if no one else writes), so
    /// that later read-only opens need not. Returns the store reopened read-only.
    private func persistMerkleTree(_ path: String) -> EventStore? {
        guard let writer = try? EventStore.open(path) else { return nil }
        let progress = Progress(label: "building the Merkle tree", enabled: showsProgress)
        _ = try? writer.digest()
        progress.finish()
        try? writer.close()
        var c = EventStore.Configuration()
        c.readOnly = true
        return try? EventStore.open(path, configuration: c)
    }

    /// Says what opening the store found, each once per session, and keeps it for `status`.
    private func noteOpening(_ warnings: [String]) {
        for line in warnings where !openingWarnings.contains(line) {
            openingWarnings.append(line)
            printError("warning: " + line)
        }
    }

    /// What opening found, one line each: nothing repaired or damaged goes unmentioned.
    static func warnings(_ r: EventStore.RecoveryReport) -> [String] {
        var out: [String] = []
        if r.truncatedBytes > 0 {
            out.append("the log ends in an unfinished write (\(r.truncatedBytes) bytes, \(r.discardedRecords) whole records "
                + "of a batch that never committed); it is not part of the log and the next writer will cut it")
        }
        for index in r.rebuiltIndexes {
            out.append("the index \(index) was missing or unreadable; rebuilt from its segment")
        }
        out += r.treeRepairs
        if let d = r.damage {
            out.append("the store is damaged: \(d); records before it read, appends are refused")
        }
        return out
    }
}
