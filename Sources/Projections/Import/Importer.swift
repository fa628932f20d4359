import EventStore
#if canImport(Glibc)
import Glibc
#endif

/// What an import appended.
public struct ImportReport: Sendable, Equatable {
    public var events: Int
    public var positions: Range<UInt64>
}

/// Imports canonical JSONL (`docs/import-export.md`): every line is checked (shape, fields,
/// codes, labels, id numbers, the household status machine, expected versions,
/// correction targets) before anything is written, and then all lines are appended as
/// one batch. One bad line and nothing is imported.
public enum Importer {
    /// Checks every line and returns the writes to append, in file order.
    ///
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - store: The store the events go to (for versions, correction targets and
    ///     the current state of the households they touch).
    ///   - progress: Called with lines checked so far and the total.
    /// - Throws: ``ProjectionError`` for the first bad line, with its ``ProjectionError/line``.
    public static func prepare(_ text: String, store: any EventLog, progress: ((Int, Int) throws -> Void)? = nil) throws -> [StreamWrite] {
        try withUTF8(text) { try prepare(utf8: $0, store: store, progress: progress) }
    }

    /// Checks every line of UTF-8 text and returns the writes to append, in file order.
    public static func prepare(utf8 text: UnsafeRawBufferPointer, store: any EventLog,
                               progress: ((Int, Int) throws -> Void)? = nil) throws -> [StreamWrite] {
        try prepared(utf8: text, store: store, progress: progress).writes
    }

    /// The writes, the position the first must take, and whether that matters: a
    /// correction that targets an event of the same file names it by that position.
    ///
    /// Each write expects exactly the version its stream had when its line was checked,
    /// so a writer in another process (PostgreSQL) that touches the same stream before
    /// the append makes it fail whole rather than slip past the status machine.
    static func prepared(utf8 text: UnsafeRawBufferPointer, store: any EventLog,
                         progress: ((Int, Int) throws -> Void)? = nil) throws -> (writes: [StreamWrite], base: UInt64, ownPositions: Bool) {
        let lines = Self.lines(text)
        // Each line's JSON, envelope and data are checked on the other core a few chunks
        // ahead of this loop, which checks what depends on the lines before.
        let ahead = LinesAhead(text: text, lines: lines)
        defer { ahead.stop() }
        var checks = LineChecks(store: store, lineCount: lines.count)
        for k in lines.indices {
            if k % 4096 == 0 { try progress?(k, lines.count) }
            var prechecked = ahead.take(k)
            try checks.check(line: k, &prechecked)
        }
        try progress?(lines.count, lines.count)
        // Every household's state, for the status machine: let go on another thread (a
        // county's are many small objects), while the lines are appended.
        releaseInBackground(checks.touched, checks.touchedIndex, checks.storedEvents)
        return (checks.writes, checks.base, checks.ownPositions)
    }

    /// The checks of an import's lines that depend on the lines before them (versions,
    /// correction targets, the status machine), and what they have found so far.
    private struct LineChecks {
        /// The store the events go to.
        let store: any EventLog
        /// The position the file's first event will take.
        let base: UInt64
        /// The recorded time the file's events are folded with.
        let now = RecordedTime.now()
        /// The writes of the lines checked so far, one a line.
        var writes: [StreamWrite] = []
        /// Per stream touched: its version so far and, for a household, its state so far;
        /// found by one lookup of the stream's name a line.
        var touchedIndex: [String: Int] = [:]
        var touched: [TouchedStream] = []
        /// A household's events are not kept as the lines go (each line would touch its
        /// own array, far from the last): a correction, which needs them all to refold,
        /// finds the file's own by this chain from the household's last line back, and
        /// the store's in `storedEvents`.
        var previousLine: [Int]
        var storedEvents: [Int: [LoggedEvent]] = [:]
        /// Whether a correction targets an event of the file itself (by its position).
        var ownPositions = false

        init(store: any EventLog, lineCount: Int) {
            self.store = store
            base = store.endPosition
            writes.reserveCapacity(lineCount)
            previousLine = [Int](repeating: -1, count: lineCount)
        }

        /// Checks line `k` (0-based) against the lines before it and the store, and adds
        /// its write.
        mutating func check(line k: Int, _ prechecked: inout PrecheckedLine) throws {
            let lineNumber = k + 1
            guard let event = prechecked.event.take() else { throw Importer.reportedFailure(prechecked.failure, line: lineNumber) }
            let position = base + UInt64(k)
            // Expected version, as of the lines before.
            let t = try touchedStream(event.stream)
            let current = touched[t].version
            try Importer.checkExpectedVersion(event, current: current, line: lineNumber)
            let version = current.map { $0 + 1 } ?? 0
            touched[t].version = version
            let proposed = try payload(event, &prechecked, line: lineNumber)
            if let id = prechecked.household {
                try applyStatusMachine(household: id, stream: t, line: k, event: event, cadre: prechecked.cadre,
                                       logged: LoggedEvent(position: position, version: version, type: event.type,
                                                           effective: event.effective, recorded: now, actor: event.actor,
                                                           payload: proposed.payload))
            }
            writes.append(StreamWrite(stream: event.stream, expected: current.map { .exact($0) } ?? .noStream, events: [proposed]))
        }

        /// The index of a stream in `touched`, its version read from the store the first
        /// time the file touches it.
        private mutating func touchedStream(_ stream: String) throws -> Int {
            if let known = touchedIndex[stream] { return known }
            let t = touched.count
            touched.append(TouchedStream(version: try store.streamVersion(stream)))
            touchedIndex[stream] = t
            return t
        }

        /// The line's payload, as prechecked or, for a correction, with its target
        /// checked (an event of its stream, in the store or earlier in the file) and typed.
        private mutating func payload(_ event: CanonicalEvent, _ prechecked: inout PrecheckedLine,
                                      line lineNumber: Int) throws -> ProposedEvent {
            do {
                if let proposed = try prechecked.proposed.take()?.get() { return proposed }
                return try event.proposed(typeOfPosition: { target in
                    if target >= base {
                        // An event of this file, checked already: its write is the target's.
                        ownPositions = true
                        guard target - base < UInt64(writes.count), writes[Int(target - base)].stream == event.stream else { return nil }
                        return writes[Int(target - base)].events[0].type
                    }
                    guard let r = try? store.record(at: target), r.stream == event.stream else { return nil }
                    return r.type
                })
            } catch let e as ProjectionError {
                throw e.at(line: lineNumber)
            }
        }

        /// The status machine, for households: each touched household's state is kept
        /// as the lines go, and refolded from its events only on a correction.
        private mutating func applyStatusMachine(household id: String, stream t: Int, line k: Int, event: CanonicalEvent,
                                                 cadre: String?, logged: LoggedEvent) throws {
            if !touched[t].loaded {
                let events = try store.readStream(event.stream).map(LoggedEvent.init)
                touched[t].state = try HouseholdHistory.state(id: id, events: events)
                if !events.isEmpty { storedEvents[t] = events }
                touched[t].loaded = true
            }
            if event.kind == .correction {
                touched[t].state = try HouseholdHistory.state(id: id, events: householdEvents(stream: t, then: logged))
            } else {
                if let why = HouseholdRules.refusal(touched[t].state, event.type, cadre: cadre) {
                    throw ProjectionError(.refused, "\(event.type) refused: \(why)", line: k + 1, field: "type")
                }
                try HouseholdFold.apply(&touched[t].state, logged, id: id)
            }
            previousLine[k] = touched[t].lastLine
            touched[t].lastLine = k
        }

        /// Every event of a household, to refold it on a correction: the store's, then
        /// the file's own so far, then `last`.
        private func householdEvents(stream t: Int, then last: LoggedEvent) -> [LoggedEvent] {
            var own: [Int] = []
            var j = touched[t].lastLine
            while j >= 0 { own.append(j); j = previousLine[j] }
            var events = storedEvents[t] ?? []
            for j in own.reversed() {
                let w = writes[j], e = w.events[0]
                let v: UInt64 = if case .exact(let before) = w.expected { before + 1 } else { 0 }
                events.append(LoggedEvent(position: base + UInt64(j), version: v, type: e.type, effective: e.effective,
                                          recorded: now, actor: e.actor, payload: e.payload))
            }
            events.append(last)
            return events
        }
    }

    /// What a line that is not an event is reported as: its field's error, its JSON's,
    /// or the error its parse threw.
    private static func reportedFailure(_ failure: (any Error)?, line lineNumber: Int) -> any Error {
        switch failure {
        case let e as ProjectionError where e.code == .syntax && e.line == nil:
            return ProjectionError(.syntax, "not valid JSON: \(e)", line: lineNumber)
        case let e as ProjectionError where e.line == nil: return e.at(line: lineNumber)
        case let e?: return e
        case nil: return ProjectionError(.invalid, "not an event", line: lineNumber)
        }
    }

    /// Refuses an event whose `expected_version` is not its stream's version as of the
    /// lines before (`current`, `nil` when the stream does not exist).
    private static func checkExpectedVersion(_ event: CanonicalEvent, current: UInt64?, line lineNumber: Int) throws {
        // The stream is past where the line expects it: most often this very file, or one
        // that overlaps it, was imported before.
        let again = "; the log holds this event's place already: was this file imported before? (status shows the log's end)"
        switch (event.expectedVersion, current) {
        case (.noStream, .some(let v)):
            throw ProjectionError(.refused, "\(event.stream) exists already (version \(v))" + again, line: lineNumber, field: "expected_version")
        case (.exact(let e), let v) where v != e:
            let ahead = v.map { $0 > e } ?? false
            throw ProjectionError(.refused, "\(event.stream) is at " + (v.map { "version \($0)" } ?? "no version (it does not exist)") + ", not \(e)"
                                  + (ahead ? again : ""), line: lineNumber, field: "expected_version")
        default: break
        }
    }

    /// Each line's bytes, without its newline: byte ranges, no String per line.
    static func lines(_ text: UnsafeRawBufferPointer) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        guard let base = text.baseAddress else { return lines }
        var start = 0
        while start < text.count, let newline = memchr(base + start, 0x0A, text.count - start) {
            let end = base.distance(to: UnsafeRawPointer(newline))
            lines.append(start..<end)
            start = end + 1
        }
        if start < text.count { lines.append(start..<text.count) }
        return lines
    }

    /// A stream the file writes to, as of the lines checked so far.
    private struct TouchedStream {
        var version: UInt64?
        /// For a household: whether its state was read from the store yet, and its state
        /// as of the lines checked so far.
        var loaded = false
        var state: HouseholdState?
        /// Its last line in the file (0-based), -1 before its first.
        var lastLine = -1
    }

    /// Checks and appends a whole file, all or nothing.
    ///
    /// - Throws: ``ProjectionError`` for the first bad line (nothing is written), or the
    ///   store's error when the append fails (nothing is written either).
    public static func run(_ text: String, store: any EventLog, progress: ((Int, Int) throws -> Void)? = nil) throws -> ImportReport {
        try withUTF8(text) { try run(utf8: $0, store: store, progress: progress) }
    }

    /// Checks and appends the lines of UTF-8 text, all or nothing (the bytes are not
    /// checked to be UTF-8 as a whole; each string in them is).
    public static func run(utf8 text: UnsafeRawBufferPointer, store: any EventLog,
                           progress: ((Int, Int) throws -> Void)? = nil) throws -> ImportReport {
        let (writes, base, ownPositions) = try prepared(utf8: text, store: store, progress: progress)
        guard !writes.isEmpty else { return ImportReport(events: 0, positions: store.endPosition..<store.endPosition) }
        let result = try store.append(writes, startingAt: ownPositions ? base : nil)
        let report = ImportReport(events: writes.count, positions: result.positions)
        releaseInBackground(writes)
        return report
    }
}
