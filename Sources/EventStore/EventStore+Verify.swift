import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension EventStore {
    /// Reads every record of the log and checks its checksum and position, checks the
    /// checksum of every persisted index, and recomputes the Merkle tree from the
    /// records: every leaf hash and every stored subtree hash must equal what the tree
    /// kept when the record was appended, so a record rewritten with a valid checksum
    /// is found too. Stops at the first damage and reports it with its position;
    /// damage makes the store refuse appends.
    ///
    /// - Parameter progress: Called now and then with the position reached and the
    ///   number of records, for a progress bar; `false` stops the check (the report
    ///   says it was stopped and concludes nothing).
    /// - Returns: The report, with the recomputed digest when all is well.
    /// - Complexity: O(n) in the size of the log.
    public func verify(progress: ((UInt64, UInt64) -> Bool)? = nil) -> VerifyReport {
        let (sealed, total, committed, activePath) = state.withLock { s in
            (s.sealed, s.nextPosition, s.active?.committedBytes ?? 0, s.active?.file.path)
        }
        var report = VerifyReport(records: 0, bytes: 0, damage: nil)
        report.bytes = sealed.reduce(0) { $0 + Int64($1.data.count) } + committed
        // The tree as kept, brought up to the end (the unpersisted tail is hashed from
        // the log: there is nothing older to compare it with).
        let treeReady = (try? currentTree(through: total)) != nil
        let pieces = VerifyPieces(total: total)
        let results = Mutex([PieceResult?](repeating: nil, count: pieces.count))
        let done = Atomic<UInt64>(0)
        let stopping = Atomic<Bool>(false)
        let reporting = Mutex(())
        nonisolated(unsafe) let progress = progress
        let workers = min(pieces.count, max(1, Self.verifyThreads))
        // While the cores hash, a thread of its own reads ahead of them and checks the
        // segments' indexes.
        let reader = VerifyReader(store: self, pieces: pieces, sealed: sealed)
        // Pieces are aligned blocks of the tree, checked on every core at once; each
        // gives its subtree roots, folded together at the end.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = reader.taken.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < pieces.count, !stopping.load(ordering: .relaxed) else { return }
                let range = pieces.range(i)
                var check = TreeCheck(tree: tree, base: range.lowerBound, hashes: treeReady)
                var result = PieceResult()
                // Records are hashed 64 at a time, a block of the tree (``RecordBlock``);
                // the pieces start at multiples of 4,096, so the blocks are aligned. The
                // records' bytes are read where they are mapped, not copied.
                let block = RecordBlock()
                do {
                    // The checksums too are checked here, with the hashes, four at a time.
                    try forEachRecord(from: range.lowerBound, through: range.upperBound - 1, checksums: false, { r in
                        result.records += 1
                        // Every 4,096 records: pieces of a small log are no larger.
                        if result.records & 0xFFF == 0 {
                            let n = done.wrappingAdd(0x1000, ordering: .relaxed).newValue
                            // Whichever core gets here reports, one at a time: each can stop the check.
                            let goOn = reporting.withLock { _ in progress?(n, total) ?? true }
                            if !goOn { stopping.store(true, ordering: .relaxed) }
                            if stopping.load(ordering: .relaxed) { return false }
                        }
                        block.add(r)
                        if block.isFull { try check.check(block, path: directory) }
                        return true
                    }, finish: {
                        // Records that wait in a block not full (the piece's last, or
                        // those before damage), while their bytes are still mapped.
                        try check.check(block, path: directory)
                    })
                    result.hashes = check.frontier.hashes
                } catch let bad as ChecksumMismatch {
                    result.failure = checksumDamage(at: bad.position)
                } catch {
                    result.failure = Self.storeError(error, activePath ?? directory)
                }
                // The scan runs ahead of the checks: what counts is the records found whole.
                if let p = result.failure?.position, range.contains(p) { result.records = p - range.lowerBound }
                results.withLock { $0[i] = result }
            }
        }
        let indexDamage = reader.finish()
        let all = results.withLock { $0 }.map { $0 ?? PieceResult() }
        report.records = all.reduce(0) { $0 + $1.records }
        if stopping.load(ordering: .relaxed) {
            report.stopped = true
            return report
        }
        do {
            // A damaged index first, as when the indexes were checked before the records.
            if let indexDamage { throw indexDamage }
            // The first failure in log order, whatever thread found it first.
            if let failure = all.compactMap(\.failure).min(by: { ($0.position ?? .max) < ($1.position ?? .max) }) {
                throw failure
            }
            if treeReady {
                let root = try pieces.fold(all.map(\.hashes), tree: tree, path: directory)
                let kept = try tree.root(size: total)
                guard root == kept else {
                    throw StoreError(.corruptRecord, "the recomputed root \(root.hex) differs from the kept root \(kept.hex)", path: directory)
                }
                report.digest = Digest(size: total, root: kept)
            }
        } catch {
            report.damage = damaged(Self.storeError(error, activePath ?? directory))
        }
        // Damage found on open (or by an earlier read) lies past the readable prefix
        // just checked: it is still damage.
        if report.damage == nil, let known = damage {
            report.damage = known
            report.digest = nil
        }
        _ = progress?(report.records, total)
        return report
    }
}

extension EventStore {
    /// The damage of a record whose checksum `verify` found wrong, as a checked read
    /// reports it: with its segment, offset and both checksums.
    fileprivate func checksumDamage(at position: UInt64) -> StoreError {
        do {
            try forEachRecord(from: position, through: position) { _ in true }
        } catch {
            return Self.storeError(error, directory)
        }
        // Read whole this time: the file changed while it was verified.
        return StoreError(.corruptRecord, "record damaged: checksum mismatch, then whole when read again", path: directory,
                          position: position)
    }

    /// Threads `verify` hashes on: the machine's cores.
    static var verifyThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
