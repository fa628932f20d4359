import EventStore
import Foundation
import PostgresStore
import Projections

/// One run of fprepl: the store, the output mode and the viewer's role, and the loop
/// that reads commands, runs them and prints their results or errors.
final class Session {
    /// The store: a directory or a `postgres://` address; `nil` when none was given
    /// (`check` and `keygen` need none).
    let storePath: String?
    let readOnly: Bool
    var role: Role
    var mode: OutputMode
    /// The point in time every query answers for (`asof`).
    var asOf: AsOf = .now
    let bail: Bool
    let interactive: Bool
    private var openedStore: (any EventLog)?
    private var quitRequested = false

    init(storePath: String?, readOnly: Bool, role: Role, mode: OutputMode, bail: Bool, interactive: Bool) {
        self.storePath = storePath
        self.readOnly = readOnly
        self.role = role
        self.mode = mode
        self.bail = bail
        self.interactive = interactive
    }

    /// The store, opened on first use for reading. Queries never take the write lock,
    /// so any number of sessions can read while one process writes.
    func store() throws -> any EventLog {
        if let s = openedStore {
            try s.refresh()
            return s
        }
        guard let storePath else { throw CommandError(Self.noStore) }
        if PostgresAddress.isAddress(storePath) {
            let s = try StoreOpener.open(storePath, readOnly: true)
            openedStore = s
            return s
        }
        var c = EventStore.Configuration()
        c.readOnly = true
        var s = try EventStore.open(storePath, configuration: c)
        if s.merkleTreeIsBehind, !readOnly, s.damage == nil, let upgraded = persistMerkleTree(storePath) {
            s = upgraded
        }
        openedStore = s
        for line in Self.warnings(s.recovery) { printError("warning: " + line) }
        return s
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

    static let noStore = "no store: give --store PATH (or postgres://USER@HOST/DB), or --demo"



    /// Whether long work shows a progress bar: only for a person at a terminal, never
    /// in a script whose output is read by a program.
    var showsProgress: Bool { isatty(0) == 1 && isatty(2) == 1 }

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
        if let d = r.damage {
            out.append("the store is damaged: \(d); records before it read, appends are refused")
        }
        return out
    }

    /// The store, opened for writing (taking the lock) for commands that append.
    func writableStore() throws -> any EventLog {
        if readOnly { throw CommandError("the store was opened with --read-only") }
        guard let storePath else { throw CommandError(Self.noStore) }
        if let s = openedStore, !s.isReadOnly { return s }
        try? openedStore?.close()
        openedStore = nil
        if PostgresAddress.isAddress(storePath) {
            do {
                let s = try StoreOpener.open(storePath, readOnly: false)
                openedStore = s
                return s
            } catch let e as StoreError {
                throw CommandError("cannot open the store for writing: \(e)")
            }
        }
        let s: EventStore
        do {
            s = try EventStore.open(storePath)
        } catch let e as StoreError {
            throw CommandError("cannot open the store for writing: \(e)")
        }
        openedStore = s
        for line in Self.warnings(s.recovery) { printError("warning: " + line) }
        return s
    }

    private var countyCache: (asOf: AsOf, end: UInt64, state: CountyState)?
    private var streamIDCache: (end: UInt64, ids: [String: [String]])?

    /// The ids of the store's streams named `prefix` + id (funds, projects), for tab
    /// completion: one pass over the records' names, kept until the log grows.
    func streamIDs(prefix: String) -> [String] {
        guard let store = try? HouseholdCommands.openForReading(self) else { return [] }
        if let c = streamIDCache, c.end == store.endPosition, let ids = c.ids[prefix] { return ids }
        var found = Set<String>()
        let bytes = Array(prefix.utf8)
        try? store.forEachRecord { r in
            if r.streamBytes.starts(with: bytes) { found.insert(String(r.stream.dropFirst(prefix.count))) }
            return true
        }
        var ids = streamIDCache?.end == store.endPosition ? streamIDCache?.ids ?? [:] : [:]
        ids[prefix] = found.sorted()
        streamIDCache = (store.endPosition, ids)
        return ids[prefix] ?? []
    }

    /// Every household and village as of the asof point; rebuilt only when the asof
    /// point or the log changed since the last command.
    func county() throws -> CountyState {
        let store = try HouseholdCommands.openForReading(self)
        if let c = countyCache, c.asOf == asOf, c.end == store.endPosition { return c.state }
        let state: CountyState
        if asOf == .now {
            // From the checkpoint beside the log when it is valid; refreshed when stale.
            let (s, note) = try CountyBuilder.now(store, save: !readOnly)
            if let note { printError("warning: " + note) }
            state = s
        } else {
            state = try CountyBuilder.build(store, asOf: asOf)
        }
        countyCache = (asOf, store.endPosition, state)
        return state
    }

    /// `rebuild`: every projection folded from the first record, the checkpoint beside
    /// the log replaced (unless read-only), with a progress bar on a terminal.
    func rebuildCounty() throws -> (state: CountyState, events: UInt64, seconds: Double) {
        let store = try HouseholdCommands.openForReading(self)
        let progress = Progress(label: "rebuilding", enabled: showsProgress)
        let clock = ContinuousClock()
        let start = clock.now
        let state = try CountyBuilder.build(store, asOf: .now) { done, total in
            progress.update(done: Int(done), total: Int(total), unit: "events")
        }
        let seconds = (clock.now - start).seconds
        progress.finish()
        if !readOnly {
            try? CountyCheckpoint.save(state, store: store)
            // Every projection from the first record: the saved findings go too (the next
            // `findings` judges them again).
            try? FileManager.default.removeItem(atPath: FindingsCheckpoint.path(for: store))
        }
        countyCache = (.now, store.endPosition, state)
        return (state, store.endPosition, seconds)
    }

    /// Whether names and id numbers are shown to this viewer.
    var seesPersonalData: Bool { role != .analyst }

    func close() {
        try? outputFile?.close()
        outputFile = nil
        try? openedStore?.close()
        openedStore = nil
    }

    /// Runs every command of a script; returns whether all succeeded.
    func run(script: String, source: String?) -> Bool {
        var ok = true
        for command in ScriptSplitter.split(script) {
            if quitRequested { break }
            if !execute(command.text, line: command.line, source: source) {
                ok = false
                if bail { break }
            }
        }
        return ok
    }

    /// The interactive loop: libedit line editing with history in `~/.fprepl_history`
    /// and tab completion, until `.quit` or Ctrl-D; Ctrl-C cancels the line being typed.
    func runInteractive() -> Bool {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
        guard let editor = LineEditor(program: "fprepl", historyPath: home + "/.fprepl_history") else {
            return runPlainPrompt()
        }
        editor.completer = { [unowned self] before, word in
            Completion.candidates(before: before, word: word) { kind in
                switch kind {
                // The household projection (from the checkpoint when there is one).
                case .household: return (try? self.county().households.keys.sorted()) ?? []
                case .fund: return self.streamIDs(prefix: "fund-")
                case .project: return self.streamIDs(prefix: "project-")
                }
            }
        }
        FileHandle.standardOutput.write(Data("fp-ledger \(storePath ?? "(no store)"): type help for the commands, .quit or Ctrl-D to leave\n".utf8))
        var ok = true
        while !quitRequested {
            editor.prompt = asOf == .now ? "fp> " : "fp[asof \(asOf)]> "
            switch editor.read() {
            case .end:
                FileHandle.standardOutput.write(Data("\n".utf8))
                return ok
            case .interrupted:
                FileHandle.standardOutput.write(Data("\n".utf8))
                continue
            case .line(let line):
                editor.remember(line)
                for command in ScriptSplitter.split(line) where !execute(command.text, line: nil, source: nil) {
                    ok = false
                }
            }
        }
        return ok
    }

    /// Without libedit: a prompt and plain lines.
    private func runPlainPrompt() -> Bool {
        var ok = true
        while !quitRequested {
            FileHandle.standardOutput.write(Data("fp> ".utf8))
            guard let line = readLine(strippingNewline: true) else {
                FileHandle.standardOutput.write(Data("\n".utf8))
                break
            }
            for command in ScriptSplitter.split(line) where !execute(command.text, line: nil, source: nil) {
                ok = false
            }
        }
        return ok
    }

    /// Where results go: stdout, or the file of `.output FILE`.
    private var outputFile: FileHandle?
    /// `.timer on`: the elapsed time of each command on stderr.
    var timer = false
    /// How deep `.read` is nested (a file that reads itself stops at 16).
    private(set) var readDepth = 0

    /// `.output FILE` sends results to FILE (created or emptied, mode 0600: results may
    /// hold personal data); `.output` alone returns them to stdout.
    func redirectOutput(to path: String?) throws {
        try? outputFile?.close()
        outputFile = nil
        guard let path else { return }
        try writeFileForCommand("", to: path)
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        outputFile = h
    }

    /// Writes part of a result now, where results go (for commands that show their
    /// output step by step).
    func emit(_ text: String) {
        (outputFile ?? FileHandle.standardOutput).write(Data(text.utf8))
    }

    /// `.read FILE`: runs a script's commands here, errors named `FILE:LINE`.
    func read(script path: String) throws {
        guard readDepth < 16 else { throw CommandError(".read is nested 16 deep; does \(path) read itself?") }
        let text = try readTextFileForCommand(path)
        readDepth += 1
        defer { readDepth -= 1 }
        // Each failing command has said why; the .read itself adds no line.
        if !run(script: text, source: path) { throw SilentFailure() }
    }

    /// Runs one command; prints its result to stdout or one error line to stderr.
    @discardableResult
    func execute(_ text: String, line: Int?, source: String?) -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            if timer, !text.trimmingCharacters(in: .whitespaces).hasPrefix(".timer") {
                printError(String(format: "Run Time: %.3f s", (clock.now - start).seconds))
            }
        }
        do {
            let output = try CommandRunner.run(text, in: self)
            if quitRequested || output.isEmpty { return true }
            emit(output)
            return true
        } catch is SilentFailure {
            return false
        } catch {
            let message = (error as? CommandError)?.message ?? "\(error)"
            var prefix = ""
            if let source, let line { prefix = "\(source):\(line): " }
            printError(prefix + "error: " + message)
            return false
        }
    }

    func quit() { quitRequested = true }
}

/// A command that failed after saying why itself (`.read` of a script with errors).
struct SilentFailure: Error {}

/// A failed command, with the one line that says why.
struct CommandError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Splits a script into commands at `;` and line ends, outside single or double
/// quotes. A comment runs from `--` to the end of the line, where `--` begins a command
/// or is followed by white space (so options such as `--from` are not comments).
enum ScriptSplitter {
    struct Command: Equatable {
        var text: String
        var line: Int
    }

    static func split(_ script: String) -> [Command] {
        var out: [Command] = []
        var current = ""
        var line = 1
        var startLine = 1
        var quote: Character?
        var chars = Array(script)
        chars.append("\n")
        var i = 0
        func finish() {
            let t = current.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty { out.append(Command(text: t, line: startLine)) }
            current = ""
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
                if c == "\n" { line += 1 }
                current.append(c)
            } else if c == "'" || c == "\"" {
                if current.trimmingCharacters(in: .whitespaces).isEmpty { startLine = line }
                quote = c
                current.append(c)
            } else if c == "-" && i + 1 < chars.count && chars[i + 1] == "-"
                        && (current.trimmingCharacters(in: .whitespaces).isEmpty || i + 2 >= chars.count || chars[i + 2].isWhitespace) {
                // A comment: `--` at the start of a command, or `--` followed by white
                // space. `--stream` and `--from` are options, not comments.
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            } else if c == ";" || c == "\n" || c == "\r\n" {
                finish()
                if c != ";" { line += 1 }
                startLine = line
            } else {
                if current.trimmingCharacters(in: .whitespaces).isEmpty && current.isEmpty { startLine = line }
                current.append(c)
            }
            i += 1
        }
        return out
    }
}
