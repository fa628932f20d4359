import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The store's RFC 6962 Merkle tree over its records, kept current as records are
/// appended and persisted beside the log so that a digest or a proof at any size costs
/// O(log n) reads and reopening does not rehash the log.
///
/// What is kept: the right edge of the tree (``MerkleFrontier``) in memory, and the
/// hashes of the perfect subtrees at every fourth height (0 = the leaf hashes, 4, 8,
/// ...) in `tree-HH.hashes` files, 32 bytes each, in index order. A subtree at any other
/// height is folded from at most 8 stored hashes below it, read at once. Files are
/// flushed and the `TREE` head written when a segment is sealed; hashes of the active
/// segment live in memory and are recomputed from the log on open, the same way its
/// index is (`docs/verification.md`).
final class LogTree: Sendable {
    /// Heights kept on disk are the multiples of this: a subtree at any height is then
    /// folded from at most 8 stored hashes (7 node hashes), for about 34 bytes of
    /// hashes per record in all.
    static let levelStride = 4

    let directory: String
    let storeID: [UInt8]
    let writable: Bool
    let faults: FaultInjector?
    private let inner = Mutex(Inner())

    /// The stored hashes of one height: those in the file, then those not yet written.
    private struct Level {
        var handle: FileHandle?
        var persisted: UInt64 = 0
        var pending: [MerkleHash] = []
        var count: UInt64 { persisted + UInt64(pending.count) }
    }

    private struct Inner {
        var loaded = false
        var frontier = MerkleFrontier()
        var levels: [Level] = []  // index k holds height k * levelStride
        /// What loading found wrong with the persisted tree (it is then rebuilt).
        var repairs: [String] = []
        /// The store is damaged: the kept tree is read but never cut or written, so
        /// that what it says about the damaged records is kept.
        var frozen = false
    }

    /// Reads the canonical bytes of records `from..<to` in order, calling the closure
    /// with each.
    typealias RecordReader = (UInt64, UInt64, (UnsafeRawBufferPointer) -> Void) throws -> Void

    init(directory: String, storeID: [UInt8], writable: Bool, faults: FaultInjector?) {
        self.directory = directory
        self.storeID = storeID
        self.writable = writable
        self.faults = faults
    }

    deinit {
        inner.withLock { s in for l in s.levels { l.handle?.close() } }
    }

    private func path(_ name: String) -> String { directory + "/" + name }

    // MARK: Keeping current

    /// Brings the tree up to `size` records, reading what it lacks from the log. A
    /// writer first persists everything up to `sealedEnd` (the records in sealed
    /// segments), so the next open starts from there.
    func catchUp(to size: UInt64, sealedEnd: UInt64, read: RecordReader) throws {
        try inner.withLock { s in
            try prepare(&s, size: size, sealedEnd: sealedEnd, read: read)
        }
    }

    /// Flushes the stored hashes and writes the head at the current size. Called by
    /// the writer when it seals a segment; a failure leaves the head where it was,
    /// which costs only a rehash on the next open.
    func persist() throws {
        try inner.withLock { s in
            guard s.loaded else { return }  // nothing known: the head on disk stays
            try persist(&s)
        }
    }

    /// What loading found wrong and rebuilt, for the recovery report.
    var repairs: [String] { inner.withLock { $0.repairs } }

    /// Loads the kept tree when the store is opened and checks it against the log
    /// (``load(_:logSize:segmentFirsts:read:)``). `damaged`: the store found damage on
    /// open, and the tree files are then left as they are.
    func open(logSize: UInt64, segmentFirsts: [UInt64], damaged: Bool, read: RecordReader) {
        inner.withLock { s in
            guard !s.loaded else { return }
            s.frozen = damaged
            load(&s, logSize: logSize, segmentFirsts: segmentFirsts, read: read)
            s.loaded = true
        }
    }

    private func prepare(_ s: inout Inner, size: UInt64, sealedEnd: UInt64, read: RecordReader) throws {
        if !s.loaded {
            load(&s, logSize: size, segmentFirsts: [], read: read)
            s.loaded = true
        }
        if writable, !s.frozen, s.frontier.size < sealedEnd, sealedEnd <= size {
            try extend(&s, to: sealedEnd, durableEnd: sealedEnd, read: read)
            try? persist(&s)
        }
        if s.frontier.size < size { try extend(&s, to: size, read: read) }
    }

    /// Hashes records from the tree's size up to `end`. A long catch-up over sealed
    /// records (a store that never had a tree) persists as it goes, so memory stays
    /// bounded and an interruption keeps what was done.
    private func extend(_ s: inout Inner, to end: UInt64, durableEnd: UInt64 = 0, read: RecordReader) throws {
        let from = s.frontier.size
        let persistEvery: UInt64 = 1 << 20
        var failure: (any Error)?
        try read(from, end) { bytes in
            add(MerkleHash.leaf(bytes), &s)
            if writable, s.frontier.size % persistEvery == 0, s.frontier.size <= durableEnd, failure == nil {
                do { try persist(&s) } catch { failure = error }
            }
        }
        guard s.frontier.size == end else {
            throw StoreError(.corruptRecord, "the log ended at position \(s.frontier.size) while hashing up to \(end)",
                             path: directory, position: s.frontier.size)
        }
    }

    private func add(_ leaf: MerkleHash, _ s: inout Inner) {
        let index = s.frontier.size
        store(leaf, height: 0, index: index, &s)
        var frontier = MerkleFrontier()
        swap(&frontier, &s.frontier)  // moved out, so the closure may touch the levels
        frontier.append(leaf) { height, i, hash in
            if height % Self.levelStride == 0 { store(hash, height: height, index: i, &s) }
        }
        swap(&frontier, &s.frontier)
    }

    private func store(_ hash: MerkleHash, height: Int, index: UInt64, _ s: inout Inner) {
        let k = height / Self.levelStride
        while s.levels.count <= k { s.levels.append(Level()) }
        precondition(s.levels[k].count == index, "stored hashes out of order at height \(height)")
        s.levels[k].pending.append(hash)
    }

    // MARK: Loading and persisting

    /// Takes the persisted tree as far as its head vouches for it and the log agrees
    /// with it; anything doubtful is dropped (and for a writer, cut from the files and
    /// the head written again) to be rehashed from the log.
    ///
    /// The check against the log is cheap: the head covers no more records than the
    /// log holds, its stored hashes give its root, and the kept leaf hash of the last
    /// record it covers and of the first record of every segment it covers equal the
    /// hashes of those records as they are now. When one differs, the records from the
    /// start of the segment before it are hashed and compared with the kept leaves to
    /// find the first that differs; the tree is kept up to it and rebuilt from there.
    private func load(_ s: inout Inner, logSize: UInt64, segmentFirsts: [UInt64], read: RecordReader) {
        let headPath = path(TreeHead.fileName)
        var size: UInt64 = 0
        var root = MerkleHash.emptyTree
        do {
            if let head = try readHead() {
                if head.storeID != storeID {
                    s.repairs.append("\(headPath): belongs to another store; the tree is rebuilt from the log")
                } else {
                    size = head.treeSize
                    root = head.root
                }
            }
        } catch {
            s.repairs.append("\(headPath): \(error); the tree is rebuilt from the log")
        }
        // Open the level files and check each holds what the head needs.
        var k = 0
        while true {
            let height = k * Self.levelStride
            let name = path(TreeHead.levelFileName(height: height))
            let need = height < 64 ? size >> UInt64(height) : 0
            guard FileSystem.exists(name) || need > 0 else { break }
            var level = Level()
            if let h = try? FileHandle.open(name, writable ? (O_RDWR | O_CREAT) : O_RDONLY, faults: faults) {
                level.handle = h
                let have = UInt64(max(0, (try? h.size()) ?? 0)) / UInt64(MerkleHash.byteCount)
                if have < need {
                    s.repairs.append("\(name): holds \(have) hashes, the head needs \(need); the tree is rebuilt from the log")
                    size = 0
                }
            } else if need > 0 {
                s.repairs.append("\(name): cannot be opened; the tree is rebuilt from the log")
                size = 0
            }
            s.levels.append(level)
            k += 1
        }
        func take(_ size: UInt64) {
            for k in s.levels.indices {
                let height = k * Self.levelStride
                s.levels[k].persisted = height < 64 ? size >> UInt64(height) : 0
                s.levels[k].pending = []
            }
        }
        take(size)
        if size > 0 {
            // The stored hashes must give the head's root, or they are not trusted.
            let computed = try? MerkleProof.root(size: size) { (h: Int, i: UInt64) throws -> MerkleHash in try perfect(h, i, s) }
            if computed != root {
                s.repairs.append("\(headPath): the stored hashes do not give the recorded root; the tree is rebuilt from the log")
                size = 0
                take(0)
            }
        }
        let headSize = size
        if s.frozen {
            // Damage: the records past it cannot be read to check the tree against, and
            // what the tree kept of them is evidence. Answers stop at the log's end.
        } else if headSize > 0 || logSize > 0 {
            // Records cut from the log's end leave what the tree kept of those before.
            var checked = min(size, logSize)
            let disagreement = checked > 0 ? firstDisagreement(s, size: checked, segmentFirsts: segmentFirsts, read: read) : nil
            if let p = disagreement { checked = p }
            let covered = headSize > logSize ? "covered \(headSize) records (the log has \(logSize))" : "covered \(headSize) records"
            if let p = disagreement {
                s.repairs.append("the kept Merkle tree \(covered), but the records from position \(p) on are not those it hashed "
                    + "(changed, or cut and written again, after they were appended); the tree is rebuilt from the records from there")
            } else if headSize > logSize {
                s.repairs.append("the kept Merkle tree \(covered): records were cut from the log's end; the tree is kept for the \(logSize) it holds")
            } else if headSize == 0, logSize > 0, !FileSystem.exists(headPath) {
                s.repairs.append("there is no kept Merkle tree (\(headPath) is missing) for the \(logSize) records; it is built from the records as they are now")
            }
            if checked != size {
                size = checked
                take(size)
            }
        }
        if writable, !s.frozen {
            for k in s.levels.indices {
                try? s.levels[k].handle?.truncate(to: Int64(s.levels[k].persisted) * Int64(MerkleHash.byteCount))
            }
        }
        if size > 0, let hashes = try? MerkleFrontier.decomposition(of: size).map({ try perfect($0.height, $0.index, s) }) {
            s.frontier = MerkleFrontier(size: size, hashes: hashes)
        } else {
            take(0)
            s.frontier = MerkleFrontier()
        }
        if !s.repairs.isEmpty, writable, !s.frozen {
            // The head must not vouch for what was dropped, and the repair stays on record.
            if size != headSize { try? persist(&s) }
            RepairRecord.append(s.repairs, directory: directory, faults: faults)
        }
    }

    /// The first position from which the kept tree of `size` records does not describe
    /// the log as it is now, or `nil` when every probe agrees (or the log cannot be
    /// read there: damage is reported by the reads, not here).
    private func firstDisagreement(_ s: Inner, size: UInt64, segmentFirsts: [UInt64], read: RecordReader) -> UInt64? {
        func recordLeaf(_ p: UInt64) -> MerkleHash? {
            var leaf: MerkleHash?
            guard (try? read(p, p + 1) { leaf = MerkleHash.leaf($0) }) != nil else { return nil }
            return leaf
        }
        var probes = segmentFirsts.filter { $0 < size }
        if probes.last != size - 1 { probes.append(size - 1) }
        var from: UInt64 = 0  // the last segment start that agreed
        var failing: UInt64?
        for p in probes {
            guard let now = recordLeaf(p), let kept = try? perfect(0, p, s) else { return nil }
            if now != kept {
                failing = p
                break
            }
            if segmentFirsts.contains(p) { from = p }
        }
        guard let failing else { return nil }
        // Find the first record that differs, from the last segment start that agreed.
        var position = from
        var first: UInt64?
        let chunk: UInt64 = 4096
        var kept: [MerkleHash] = []
        var keptFrom: UInt64 = from
        try? read(from, size) { bytes in
            guard first == nil else { return }
            if position >= keptFrom + UInt64(kept.count) {
                keptFrom = position
                kept = (try? stored(0, position..<min(size, position + chunk), s)) ?? []
            }
            if position - keptFrom >= UInt64(kept.count) || MerkleHash.leaf(bytes) != kept[Int(position - keptFrom)] {
                first = position
            }
            position += 1
        }
        return first ?? failing
    }

    private func persist(_ s: inout Inner) throws {
        guard writable, !s.frozen else { return }
        for k in s.levels.indices where !s.levels[k].pending.isEmpty {
            let height = k * Self.levelStride
            if s.levels[k].handle == nil {
                s.levels[k].handle = try FileHandle.open(path(TreeHead.levelFileName(height: height)), O_RDWR | O_CREAT, faults: faults)
            }
            let h = s.levels[k].handle!
            let offset = Int64(s.levels[k].persisted) * Int64(MerkleHash.byteCount)
            try s.levels[k].pending.withUnsafeBytes { try h.write($0, at: offset) }
            try h.dataSync()
            s.levels[k].persisted += UInt64(s.levels[k].pending.count)
            s.levels[k].pending = []
        }
        let head = TreeHead(storeID: storeID, treeSize: s.frontier.size, root: s.frontier.root)
        try FileSystem.writeAtomically(head.encoded(), to: path(TreeHead.fileName), directory: directory, faults: faults)
    }

    /// How many records the persisted tree vouches for, read from `TREE` alone (0 when
    /// it is missing, damaged or another store's).
    func persistedSize() -> UInt64 {
        guard let head = try? readHead(), head.storeID == storeID else { return 0 }
        return head.treeSize
    }

    /// The `TREE` file, `nil` when there is none.
    private func readHead() throws -> TreeHead? {
        let headPath = path(TreeHead.fileName)
        guard FileSystem.exists(headPath) else { return nil }
        let h = try FileHandle.open(headPath, O_RDONLY)
        defer { h.close() }
        var bytes = [UInt8](repeating: 0, count: TreeHead.size + 1)
        let n = try bytes.withUnsafeMutableBytes { try h.read(into: $0, at: 0) }
        return try TreeHead.decode(Array(bytes[0..<n]), path: headPath)
    }

    // MARK: Answers

    /// The tree's size so far.
    var size: UInt64 { inner.withLock { $0.frontier.size } }

    /// The root of the first `size` records; `size` must not exceed what the tree holds.
    func root(size: UInt64) throws -> MerkleHash {
        try inner.withLock { s in
            precondition(size <= s.frontier.size)
            if size == s.frontier.size { return s.frontier.root }
            return try MerkleProof.root(size: size) { (h: Int, i: UInt64) throws -> MerkleHash in try perfect(h, i, s) }
        }
    }

    /// The leaf hash of one record.
    func leaf(_ index: UInt64) throws -> MerkleHash {
        try inner.withLock { s in try perfect(0, index, s) }
    }

    func inclusionProof(index: UInt64, size: UInt64) throws -> [MerkleHash] {
        try inner.withLock { s in
            try MerkleProof.inclusion(index: index, size: size) { (h: Int, i: UInt64) throws -> MerkleHash in try perfect(h, i, s) }
        }
    }

    func consistencyProof(oldSize: UInt64, newSize: UInt64) throws -> [MerkleHash] {
        try inner.withLock { s in
            try MerkleProof.consistency(oldSize: oldSize, newSize: newSize) { (h: Int, i: UInt64) throws -> MerkleHash in
                try perfect(h, i, s)
            }
        }
    }

    /// Stored hashes of height `height` (a multiple of the stride), `range` of them. The
    /// file is read outside the tree's lock (its persisted part never changes while it
    /// is open), so that several threads of `verify` read at once.
    func stored(height: Int, _ range: Range<UInt64>) throws -> [MerkleHash] {
        let place = try inner.withLock { s -> StoredRange in try self.located(height / Self.levelStride, range, s) }
        return try Self.read(range, place)
    }

    /// Asks the kernel to read the stored hashes of `height` (a multiple of the stride)
    /// in `range` from disk ahead of a scan that will want them (`verify`).
    func readAhead(height: Int, _ range: Range<UInt64>) {
        let handle = inner.withLock { s -> FileHandle? in
            let k = height / Self.levelStride
            return k < s.levels.count ? s.levels[k].handle : nil
        }
        let size = Int64(MerkleHash.byteCount)
        handle?.willNeed(offset: Int64(range.lowerBound) * size, length: Int64(range.count) * size)
    }

    /// How many hashes of `height` (a multiple of the stride) the tree holds.
    func storedCount(height: Int) -> UInt64 {
        inner.withLock { s in
            let k = height / Self.levelStride
            return k < s.levels.count ? s.levels[k].count : 0
        }
    }

    /// The root of the perfect subtree of `height` at `index`: folded from the stored
    /// hashes at the nearest stored height at or below it.
    private func perfect(_ height: Int, _ index: UInt64, _ s: Inner) throws -> MerkleHash {
        let k = height / Self.levelStride
        let below = height - k * Self.levelStride
        let first = index << UInt64(below)
        var row = try stored(k, first..<(first + (1 << UInt64(below))), s)
        while row.count > 1 {
            var next: [MerkleHash] = []
            next.reserveCapacity(row.count / 2)
            var i = 0
            while i < row.count {
                next.append(MerkleHash.node(row[i], row[i + 1]))
                i += 2
            }
            row = next
        }
        return row[0]
    }

    private func stored(_ k: Int, _ range: Range<UInt64>, _ s: Inner) throws -> [MerkleHash] {
        try Self.read(range, try located(k, range, s))
    }

    /// Where the hashes of `range` at stored height index `k` are: the file (with how
    /// many hashes it holds) and a copy of those of the range not yet written (a slice
    /// held outside the lock would make the writer's next append copy all that waits).
    private func located(_ k: Int, _ range: Range<UInt64>, _ s: Inner) throws -> StoredRange {
        guard k < s.levels.count, range.upperBound <= s.levels[k].count else {
            throw StoreError(.invalidArgument, "the tree holds no subtree at height \(k * Self.levelStride) for \(range)", path: directory)
        }
        let level = s.levels[k]
        let start = max(range.lowerBound, level.persisted)
        let pending = start < range.upperBound
            ? Array(level.pending[Int(start - level.persisted)..<Int(range.upperBound - level.persisted)]) : []
        return StoredRange(handle: level.handle, persisted: level.persisted, pending: pending)
    }

    private struct StoredRange {
        var handle: FileHandle?
        var persisted: UInt64
        var pending: [MerkleHash]
    }

    /// The hashes of `range` of one height: those below `persisted` read from its file
    /// straight into the result, then `pending` (those of the range not yet written).
    private static func read(_ range: Range<UInt64>, _ located: StoredRange) throws -> [MerkleHash] {
        let (handle, persisted, pending) = (located.handle, located.persisted, located.pending)
        let fromFile = range.lowerBound < persisted && handle != nil ? Int(min(range.upperBound, persisted) - range.lowerBound) : 0
        var out = try [MerkleHash](unsafeUninitializedCapacity: fromFile + pending.count) { buffer, initialized in
            guard fromFile > 0, let h = handle else { return }
            let offset = Int64(range.lowerBound) * Int64(MerkleHash.byteCount)
            let bytes = UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: fromFile * MerkleHash.byteCount)
            let got = try h.read(into: bytes, at: offset)
            guard got == bytes.count else {
                throw StoreError(.corruptRecord, "tree file ends early", path: h.path, offset: offset + Int64(got))
            }
            initialized = fromFile
        }
        out.append(contentsOf: pending)
        return out
    }
}
