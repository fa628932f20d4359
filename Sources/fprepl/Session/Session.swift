import EventStore
import Foundation
import Projections

/// One run of fprepl: the store, the output mode, the viewer's role and the asof point
/// that every command answers for. Its parts: opening the store
/// (`Session+Store.swift`), the projections it keeps between commands
/// (`Session+Projections.swift`), where results go (`Session+Output.swift`), and the
/// loop that reads, runs and prints commands (`Session+Loop.swift`).
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
    /// `.timer on`: the elapsed time of each command on stderr.
    var timer = false

    var openedStore: (any EventLog)?
    var quitRequested = false
    /// The interactive prompt's line editor, while there is one (a command that asks a
    /// question reads the answer through it).
    var lineEditor: LineEditor?
    /// The folders of the script files being run, innermost last ("" for a script
    /// from `-c`, standard input or one in the working folder).
    var scriptFolders: [String] = []
    /// Where the command being run starts in its line (1-based): a query's errors give
    /// their column in the line.
    var commandColumn = 1
    /// Whether a command has said that `--store` names nothing (the next ones fail
    /// without saying it again).
    var missingStoreSaid = false
    /// What opening the store found and said (repairs, damage), for `status` to show again.
    var openingWarnings: [String] = []
    /// Whether Ctrl-C stopped the script (fprepl then exits 130).
    var interrupted = false
    var countyCache: (asOf: AsOf, end: UInt64, state: CountyState)?
    var streamIDCache: (end: UInt64, ids: [String: [String]])?
    /// Where results go: stdout, or the file of `.output FILE`.
    var outputFile: FileHandle?
    /// The path `.output` named, for errors.
    var outputPath: String?
    /// Whether results could not be written (a full disk): the script stops.
    var outputFailed = false
    /// Whether a command that sets how the next ones answer failed (`asof`, `.mode`):
    /// the script stops.
    var settingFailed = false
    /// How deep `.read` is nested (a file that reads itself stops at 16).
    var readDepth = 0

    init(storePath: String?, readOnly: Bool, role: Role, mode: OutputMode, bail: Bool, interactive: Bool) {
        self.storePath = storePath
        self.readOnly = readOnly
        self.role = role
        self.mode = mode
        self.bail = bail
        self.interactive = interactive
    }

    /// Whether names and id numbers are shown to this viewer.
    var seesPersonalData: Bool { role != .analyst }

    /// Whether long work shows a progress bar: only for a person at a terminal, never
    /// in a script whose output is read by a program.
    var showsProgress: Bool { !completing && isatty(0) == 1 && isatty(2) == 1 }
    /// Whether Tab is being answered: no progress line may cross the line being edited.
    var completing = false

    /// Ends the loop after the command being run (`.quit`).
    func quit() { quitRequested = true }

    func close() {
        try? outputFile?.close()
        outputFile = nil
        try? openedStore?.close()
        openedStore = nil
    }
}
