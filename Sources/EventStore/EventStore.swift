import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The durable, segmented, append-only event log of one store directory.
///
/// Records are appended in batches to streams, each batch checked against an
/// ``ExpectedVersion`` atomically with the write and kept all-or-nothing, also
/// across a crash. Every record gets a global position (from 0, gap-free) and a
/// version in its stream (from 0, gap-free). Reads go forward over the whole log,
/// over one stream through a persisted index, or follow new appends live.
///
/// One process at a time may open a store for writing (a lock file enforces it);
/// any number may open it read-only and always see a prefix of whole, committed
/// batches. The on-disk format is documented in `docs/format.md`.
///
/// Methods block on I/O; call them from a thread, not from a hot loop on the
/// concurrency pool.
public final class EventStore: Sendable {
    /// How appends reach stable storage.
    public enum Durability: String, Sendable, CaseIterable {
        /// Every append is written and `fdatasync`ed on its own before it returns.
        /// Strongest and slowest: one disk flush per append.
        case fsyncEachAppend = "fsync"
        /// Every append is durable before it returns, but appends that arrive while a
        /// flush is under way wait and share the next one (group commit). The same
        /// promise as `fsyncEachAppend` at a fraction of the flushes. The default.
        case groupCommit = "group"
        /// Appends return once written to the operating system, without a flush. A
        /// crash of the process loses nothing; a crash of the machine may lose any
        /// append since the last ``EventStore/sync()``, though never part of a batch
        /// and never a record in the middle. For bulk loads that sync at the end.
        case none = "none"
    }

    /// How a store is opened.
    public struct Configuration: Sendable {
        /// Size at which the active segment is sealed and a new one begun. A batch is
        /// never split, so a segment exceeds this by at most one batch. Default 64 MiB.
        public var segmentSize: Int = 64 << 20
        /// How appends reach stable storage. Default: group commit.
        public var durability: Durability = .groupCommit
        /// Open for reading only: no lock, no recovery writes, appends refused.
        public var readOnly: Bool = false
        /// Create the directory (mode 0700) when it does not exist. Writers only.
        public var createIfMissing: Bool = true
        /// Whether appends extend the Merkle tree as they go (the default). Off, the tree
        /// is brought up to date only when a digest or proof is asked for: for
        /// benchmarks that measure what keeping it current costs.
        @_spi(Testing) public var maintainsTree = true
        /// Test-only fault injection.
        @_spi(Testing) public var faults: FaultInjector? = nil

        /// The defaults: a writer with group commit and 64 MiB segments.
        public init() {}
    }

    /// What opening the store found and repaired. Nothing is dropped silently: every
    /// repair appears here.
    public struct RecoveryReport: Sendable, Equatable {
        /// Bytes cut from the end of the active segment: a torn write, or a batch that
        /// never finished (nothing of it had been acknowledged).
        public var truncatedBytes: Int64 = 0
        /// Whole records among those bytes that belonged to an unfinished batch.
        public var discardedRecords: Int = 0
        /// Index files that were missing or unreadable and were rebuilt from their
        /// segments.
        public var rebuiltIndexes: [String] = []
        /// Damage found: the store reads up to it and refuses to write.
        public var damage: StoreError?
        /// What of the kept Merkle tree no longer described the log and was rebuilt
        /// from the records, one sentence each (a writer also records it in `REPAIRS`).
        public var treeRepairs: [String] = []
    }

    /// Figures for `status`.
    public struct Status: Sendable, Equatable {
        /// Records in the log.
        public var events: UInt64
        /// Distinct streams.
        public var streams: UInt64
        /// Segment files.
        public var segments: Int
        /// Bytes of segment files, headers included.
        public var bytes: Int64
        /// Position of the last record, `nil` when empty.
        public var lastPosition: UInt64?
    }

    /// The store directory.
    public let directory: String
    /// How the store was opened.
    public let configuration: Configuration
    /// What opening found and repaired: the log's tail and indexes, and the Merkle
    /// tree, checked against the records on every open.
    public var recovery: RecoveryReport {
        var r = opening
        r.treeRepairs = tree.repairs
        return r
    }

    /// What opening found in the segments and indexes.
    private let opening: RecoveryReport

    /// The repairs writers have made to this store and recorded in its `REPAIRS` file,
    /// oldest first, each stamped with its time.
    public var recordedRepairs: [String] { RepairRecord.read(directory: directory) }

    let identity: StoreIdentity
    /// The write lock's file, held open (and so locked) until ``close()`` or deinit.
    let lockFile: Mutex<FileHandle?>
    let state: Mutex<State>
    let writer: Mutex<WriterState>
    let pending = Mutex(AppendQueue())
    /// The Merkle tree over the records (`docs/verification.md`).
    let tree: LogTree
    /// Hashes appended records into the tree in the background.
    let treeKeeper = TreeKeeper()

    /// What readers and the writer share; short critical sections only.
    struct State {
        var sealed: [SealedSegment]
        var active: ActiveSegment?
        /// Position of the next record: all below it are committed and readable.
        var nextPosition: UInt64
        var damage: StoreError?
        var closed = false
        var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextSubscriber = 0
    }

    /// What only the writing thread touches; held across each group's I/O.
    struct WriterState {
        var versions = StreamVersions()
        var lastRecorded: Int64 = 0
        var poisoned: StoreError?
        var buffer = WriteBuffer()
    }

    private init(directory: String, configuration: Configuration, identity: StoreIdentity, lockFile: FileHandle?,
                 state: State, lastRecorded: Int64, recovery: RecoveryReport) {
        self.directory = directory
        self.configuration = configuration
        self.identity = identity
        self.lockFile = Mutex(lockFile)
        self.state = Mutex(state)
        self.writer = Mutex(WriterState(lastRecorded: lastRecorded))
        self.opening = recovery
        self.tree = LogTree(directory: directory, storeID: identity.storeID, writable: !configuration.readOnly,
                            faults: configuration.faults)
    }

    deinit {
        state.withLock { s in
            for c in s.subscribers.values { c.finish() }
        }
        lockFile.withLock { $0?.close() }
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// The store's random id, stamped in every segment header (16 bytes, hex).
    public var storeID: String {
        HexDigits.encode(identity.storeID)
    }

    /// Opens (and for a writer on first use, creates) the store in `directory`.
    ///
    /// A writer takes the lock, scans the unindexed tail of the active segment, cuts a
    /// torn or unfinished tail back to the last committed batch, and rebuilds missing
    /// indexes. Damage other than a torn tail is reported in ``recovery`` and makes
    /// the store refuse appends; the records before it stay readable.
    ///
    /// - Parameters:
    ///   - directory: The store directory.
    ///   - configuration: How to open it.
    /// - Throws: ``StoreError`` with code `notFound`, `permissionDenied`, `lockHeld`
    ///   (naming the holder's pid), `unsupportedFormat`, `corruptRecord` (a damaged
    ///   header or identity file), or `io`.
    /// - Complexity: O(size of the active segment) plus O(number of segments).
    public static func open(_ directory: String, configuration: Configuration = Configuration()) throws -> EventStore {
        let ro = configuration.readOnly
        if !FileSystem.exists(directory) {
            guard !ro, configuration.createIfMissing else {
                throw StoreError(.notFound, "no store at this path", path: directory, errno: ENOENT)
            }
            try FileSystem.createDirectory(directory)
        }
        guard try FileSystem.isDirectory(directory) else {
            throw StoreError(.invalidArgument, "not a directory", path: directory, errno: ENOTDIR)
        }
        let lock = ro ? nil : try takeLock(directory)
        do {
            return try openLocked(directory, configuration: configuration, lock: lock)
        } catch {
            lock?.close()
            throw error
        }
    }

    private static func takeLock(_ directory: String) throws -> FileHandle {
        let lockPath = directory + "/" + StoreFiles.lock
        let h = try FileHandle.open(lockPath, O_RDWR | O_CREAT)
        guard try lockSoon(h) else {
            var buf = [UInt8](repeating: 0, count: 32)
            let n = (try? buf.withUnsafeMutableBytes { try h.read(into: $0, at: 0) }) ?? 0
            let holder = String(decoding: buf[0..<n], as: UTF8.self).trimmingWhitespace()
            h.close()
            throw StoreError(
                .lockHeld, "the store is open for writing by another process" + (holder.isEmpty ? "" : " (pid \(holder))"),
                path: lockPath)
        }
        let pid = Array("\(getpid())\n".utf8)
        do {
            try h.truncate(to: 0)
            try pid.withUnsafeBytes { try h.write($0, at: 0) }
        } catch {
            h.close()
            throw error
        }
        return h
    }

    /// Takes the lock, trying again for up to 100 ms. A lock let go by this process can
    /// still look held for an instant: a child that another thread is starting has a
    /// copy of every descriptor (the lock's too) from its fork until its exec closes
    /// them. A writer that really holds the lock still holds it after that.
    private static func lockSoon(_ h: FileHandle) throws -> Bool {
        for attempt in 0..<50 {
            if try h.tryLockExclusive() { return true }
            if attempt < 49 { usleep(2_000) }
        }
        return false
    }

    /// Opens the store with the write lock (for a writer) taken: its identity, its sealed
    /// segments, its active segment recovered (or, for a new writer's store, created).
    private static func openLocked(_ directory: String, configuration: Configuration, lock: FileHandle?) throws -> EventStore {
        let ro = configuration.readOnly
        let faults = configuration.faults
        var report = RecoveryReport()
        let firsts = try segmentFirstPositions(in: directory)
        let identity = try loadIdentity(directory, hasSegments: !firsts.isEmpty, readOnly: ro, faults: faults)
        let (sealed, logEnd) = try openSealedSegments(directory, firsts: firsts.dropLast(), identity: identity,
                                                      readOnly: ro, faults: faults, report: &report)
        var active: ActiveSegment?
        var lastRecorded: Int64 = 0
        if let first = firsts.last {
            let recovered = try recoverActiveSegment(directory, first: first, sequence: UInt64(firsts.count - 1),
                                                     logEnd: logEnd, identity: identity, readOnly: ro,
                                                     faults: faults, report: &report)
            active = recovered.segment
            lastRecorded = recovered.lastRecorded
        } else if !ro {
            active = try createSegment(directory: directory, first: 0, sequence: 0, identity: identity, faults: faults)
        }
        if lastRecorded == 0, let last = sealed.last, last.recordCount > 0 {
            lastRecorded = (try? lastRecordedTime(of: last)) ?? 0
        }
        let next = active?.endPosition ?? logEnd
        let state = State(sealed: sealed, active: active, nextPosition: next, damage: report.damage)
        let store = EventStore(directory: directory, configuration: configuration, identity: identity, lockFile: lock,
                               state: state, lastRecorded: lastRecorded, recovery: report)
        // The kept tree is checked against the records before anything is answered from it.
        store.tree.open(logSize: next, segmentFirsts: firsts, damaged: report.damage != nil, read: store.treeReader)
        return store
    }

    /// The first positions of the directory's segment files, named by them, in log order.
    private static func segmentFirstPositions(in directory: String) throws -> [UInt64] {
        let names = try FileSystem.list(directory)
        var firsts = names.compactMap { StoreFiles.firstPosition(ofName: $0, suffix: StoreFiles.segmentSuffix) }
        firsts.sort()
        return firsts
    }

    /// Who this store is: its identity file read, or for a new writer's empty store made.
    private static func loadIdentity(_ directory: String, hasSegments: Bool, readOnly: Bool,
                                     faults: FaultInjector?) throws -> StoreIdentity {
        let identityPath = directory + "/" + StoreFiles.identity
        if FileSystem.exists(identityPath) {
            let h = try FileHandle.open(identityPath, O_RDONLY)
            defer { h.close() }
            var bytes = [UInt8](repeating: 0, count: 64)
            let n = try bytes.withUnsafeMutableBytes { try h.read(into: $0, at: 0) }
            return try StoreIdentity.decode(Array(bytes[0..<n]), path: identityPath)
        } else if !hasSegments && !readOnly {
            let identity = StoreIdentity.new()
            try FileSystem.writeAtomically(identity.encoded(), to: identityPath, directory: directory, faults: faults)
            return identity
        } else if !hasSegments {
            throw StoreError(.notFound, "no store at this path (no \(StoreFiles.identity) file)", path: directory, errno: ENOENT)
        } else {
            throw StoreError(.corruptRecord, "the \(StoreFiles.identity) file is missing but segments exist", path: identityPath)
        }
    }

    /// Opens the sealed segments (every one but the last) with their indexes, each
    /// checked to start where the one before ended; returns them and where they end.
    private static func openSealedSegments(_ directory: String, firsts: ArraySlice<UInt64>, identity: StoreIdentity,
                                           readOnly: Bool, faults: FaultInjector?,
                                           report: inout RecoveryReport) throws -> (segments: [SealedSegment], end: UInt64) {
        var sealed: [SealedSegment] = []
        var expectedFirst: UInt64 = 0
        for (i, first) in firsts.enumerated() {
            let segPath = directory + "/" + StoreFiles.name(first: first, suffix: StoreFiles.segmentSuffix)
            let seg = try openSealed(path: segPath, first: first, sequence: UInt64(i), identity: identity,
                                     readOnly: readOnly, directory: directory, faults: faults, report: &report)
            guard seg.firstPosition == expectedFirst else {
                throw missingSegment(startsAt: seg.firstPosition, logEnd: expectedFirst, path: segPath)
            }
            expectedFirst = seg.endPosition
            sealed.append(seg)
        }
        return (sealed, expectedFirst)
    }

    /// The error for a segment that does not start where the log so far ends.
    private static func missingSegment(startsAt first: UInt64, logEnd: UInt64, path: String) -> StoreError {
        StoreError(.corruptRecord, "segment starts at position \(first) but the log so far ends at \(logEnd): a segment is missing",
                   path: path, position: logEnd)
    }

    /// Opens the active segment (the last) with its header checked, and recovers its
    /// tail; returns it and the recorded time of its last record (0 when none).
    private static func recoverActiveSegment(_ directory: String, first: UInt64, sequence: UInt64, logEnd: UInt64,
                                             identity: StoreIdentity, readOnly: Bool, faults: FaultInjector?,
                                             report: inout RecoveryReport) throws -> (segment: ActiveSegment, lastRecorded: Int64) {
        let segPath = directory + "/" + StoreFiles.name(first: first, suffix: StoreFiles.segmentSuffix)
        let h = try FileHandle.open(segPath, readOnly ? O_RDONLY : O_RDWR, faults: faults)
        let file: ActiveFile
        do {
            let header = try readHeader(h)
            try check(header, path: segPath, first: first, sequence: sequence, identity: identity)
            file = ActiveFile(handle: h, header: header)
        } catch {
            h.close()
            throw error
        }
        guard first == logEnd else {
            throw missingSegment(startsAt: first, logEnd: logEnd, path: segPath)
        }
        return try recoverTail(of: file, path: segPath, first: first, readOnly: readOnly, report: &report)
    }

    /// Scans the active segment's records into its index and cuts a torn or unfinished
    /// tail back to the last committed batch (a writer only; either way reported).
    private static func recoverTail(of file: ActiveFile, path segPath: String, first: UInt64, readOnly: Bool,
                                    report: inout RecoveryReport) throws -> (segment: ActiveSegment, lastRecorded: Int64) {
        let h = file.handle
        let size = try h.size()
        let mapped = try file.mapped(covering: size)
        let scan = SegmentScan.scan(UnsafeRawBufferPointer(rebasing: mapped.bytes[0..<Int(size)]), base: 0,
                                    start: SegmentHeader.size, position: first, path: segPath)
        var index = ActiveIndex()
        for e in scan.entries { index.add(e) }
        report.damage = scan.damage
        // A reader that finds records after the last commit while a writer holds the
        // lock sees a batch being written, which commits a moment later: not reported.
        if scan.damage == nil && scan.committedEnd < size && !(readOnly && writerHoldsLock(FileSystem.parentPath(segPath) ?? ".")) {
            report.truncatedBytes = size - scan.committedEnd
            report.discardedRecords = scan.uncommittedRecords
            if !readOnly {
                try h.truncate(to: scan.committedEnd)
                try h.dataSync()
            }
        }
        return (ActiveSegment(file: file, committedBytes: scan.committedEnd, index: index), scan.lastRecorded)
    }

    /// Whether a writer holds the store's lock now: its lock file cannot be locked.
    static func writerHoldsLock(_ directory: String) -> Bool {
        guard let h = try? FileHandle.open(directory + "/" + StoreFiles.lock, O_RDONLY) else { return false }
        defer { h.close() }  // closing lets go of a lock taken here
        return (try? h.tryLockExclusive()) != true
    }

    static func readHeader(_ h: FileHandle) throws -> SegmentHeader {
        var bytes = [UInt8](repeating: 0, count: SegmentHeader.size)
        let n = try bytes.withUnsafeMutableBytes { try h.read(into: $0, at: 0) }
        return try bytes[0..<n].withUnsafeBytes { try SegmentHeader.decode($0, path: h.path) }
    }

    static func check(_ header: SegmentHeader, path: String, first: UInt64, sequence: UInt64, identity: StoreIdentity) throws {
        guard header.storeID == identity.storeID else {
            throw StoreError(.corruptRecord, "segment belongs to another store", path: path, offset: 32)
        }
        guard header.firstPosition == first else {
            throw StoreError(.corruptRecord, "segment header says first position \(header.firstPosition), its name says \(first)", path: path, offset: 16)
        }
        guard header.sequence == sequence else {
            throw StoreError(.corruptRecord, "segment is number \(header.sequence) but stands at place \(sequence): a segment is missing", path: path, offset: 24)
        }
    }

    /// Opens a sealed segment and its index; rebuilds the index by scanning when it
    /// is missing, unreadable or does not match the segment.
    static func openSealed(path: String, first: UInt64, sequence: UInt64, identity: StoreIdentity, readOnly: Bool,
                           directory: String, faults: FaultInjector?, report: inout RecoveryReport) throws -> SealedSegment {
        let data = try MappedFile(path: path)
        let header = try SegmentHeader.decode(data.bytes, path: path)
        try check(header, path: path, first: first, sequence: sequence, identity: identity)
        let indexPath = directory + "/" + StoreFiles.name(first: first, suffix: StoreFiles.indexSuffix)
        if let index = try? SegmentIndex(path: indexPath), index.firstPosition == first,
           index.coveredBytes == UInt64(data.count) {
            return SealedSegment(path: path, header: header, data: data, index: index)
        }
        // Rebuild: the sealed segment must be whole, committed records to its end.
        let scan = SegmentScan.scan(data.bytes, base: 0, start: SegmentHeader.size, position: first, path: path)
        if let damage = scan.damage { throw damage }
        guard scan.committedEnd == Int64(data.count) else {
            throw StoreError(.corruptRecord, "sealed segment ends in an incomplete record", path: path, position: scan.nextPosition, offset: scan.committedEnd)
        }
        let bytes = SegmentIndex.build(firstPosition: first, appendOrder: scan.entries, coveredBytes: UInt64(data.count),
                                       streamsStarted: scan.streamsStarted)
        if !readOnly {
            try FileSystem.writeAtomically(bytes, to: indexPath, directory: directory, faults: faults)
        }
        report.rebuiltIndexes.append(indexPath)
        return SealedSegment(path: path, header: header, data: data, index: try SegmentIndex(memory: bytes))
    }

    /// Creates a new, empty segment atomically (a temporary file, header, fsync,
    /// rename, fsync of the directory), and opens it for appending.
    static func createSegment(directory: String, first: UInt64, sequence: UInt64, identity: StoreIdentity, faults: FaultInjector?) throws -> ActiveSegment {
        let header = SegmentHeader(firstPosition: first, sequence: sequence, storeID: identity.storeID, created: RecordedTime.now().microseconds)
        let segPath = directory + "/" + StoreFiles.name(first: first, suffix: StoreFiles.segmentSuffix)
        try FileSystem.writeAtomically(header.encoded(), to: segPath, directory: directory, faults: faults)
        let h = try FileHandle.open(segPath, O_RDWR, faults: faults)
        return ActiveSegment(file: ActiveFile(handle: h, header: header), committedBytes: Int64(SegmentHeader.size), index: ActiveIndex())
    }

    static func lastRecordedTime(of segment: SealedSegment) throws -> Int64 {
        let last = segment.endPosition - 1
        let (p, off) = segment.index.seek(to: last)
        var offset = Int(off)
        var pos = p
        while true {
            guard case .record(let view, let next) = RecordFrame.parse(segment.data.bytes, at: offset) else { return 0 }
            if pos == last { return view.recordedMicros }
            pos += 1
            offset = next
        }
    }

    /// Flushes everything appended so far to stable storage (for ``Durability/none``).
    ///
    /// - Throws: ``StoreError`` when the flush fails.
    public func sync() throws {
        try writer.withLock { _ in
            guard let file = state.withLock({ $0.active?.file }) else { return }
            try file.handle.dataSync()
        }
    }

    /// Flushes and releases the store: the write lock, open files, live tails.
    /// Further calls fail with a `readOnly`-coded error.
    public func close() throws {
        treeKeeper.drain()  // nothing of ours may write after the lock is let go
        try writer.withLock { w in
            let file = state.withLock { s -> ActiveFile? in
                s.closed = true
                for c in s.subscribers.values { c.finish() }
                s.subscribers = [:]
                return s.active?.file
            }
            defer { lockFile.withLock { h in h?.close(); h = nil } }
            if !configuration.readOnly, w.poisoned == nil {
                try file?.handle.dataSync()
                // Everything is on disk now: so may its hashes be, so that the next open
                // need not rehash the active segment.
                if configuration.maintainsTree, state.withLock({ $0.damage }) == nil {
                    try? tree.catchUp(to: endPosition, sealedEnd: sealedEnd, read: treeReader)
                    try? tree.persist()
                }
            }
        }
    }

    /// The store's figures.
    ///
    /// - Complexity: O(number of segments).
    public func status() -> Status {
        state.withLock { s in
            var bytes: Int64 = 0
            var streams: UInt64 = 0
            for seg in s.sealed {
                bytes += Int64(seg.data.count)
                streams += seg.index.streamsStarted
            }
            if let a = s.active {
                bytes += a.committedBytes
                streams += a.index.streamsStarted
            }
            return Status(events: s.nextPosition, streams: streams, segments: s.sealed.count + (s.active == nil ? 0 : 1),
                          bytes: bytes, lastPosition: s.nextPosition == 0 ? nil : s.nextPosition - 1)
        }
    }

    /// Damage the store knows of (found on open, by a read, or by ``verify(progress:)``):
    /// records up to it read, appends are refused. `nil` when none is known.
    public var damage: StoreError? { state.withLock { $0.damage } }

    /// The position the next appended record will get: the number of records.
    public var endPosition: UInt64 { state.withLock { $0.nextPosition } }

    /// Position of the last record, `nil` when the store is empty.
    public var lastPosition: UInt64? {
        let n = endPosition
        return n == 0 ? nil : n - 1
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension EventStore: EventLog {
    /// The store's directory.
    public var location: String { directory }
    /// Whether the store was opened read-only.
    public var isReadOnly: Bool { configuration.readOnly }
    /// `projections/` inside the store's directory.
    public var projectionsDirectory: String { directory + "/projections" }
}
