import ArgumentParser
import EventStore
import Foundation
import Projections
#if canImport(Glibc)
import Glibc
#endif

/// `fprepl`: query and replay a fp-ledger store, interactively or from scripts.
/// The command surface: `docs/repl.md` is the reference.
@main
struct FpreplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fprepl",
        abstract: "Query and replay a fp-ledger store (精准扶贫建档立卡 event ledger).",
        discussion: """
            STORE is a store directory (made on the first write) or a county's log on PostgreSQL: \
            postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?county=530124] (the password may come from PGPASSWORD instead).

            Also:
              fprepl help [CMD]               the REPL's commands, as `help` at the prompt
              fprepl generate --store STORE   make a synthetic county (see --help there)
              fprepl copy --from A --to B     copy a log between stores (see --help there)

            Reference: docs/repl.md.
            """,
        version: "fp-ledger 0.1.0")

    @Option(name: .long, help: ArgumentHelp("The store: a directory (created on first write) or a postgres:// address.", valueName: "STORE"))
    var store: String?

    @Flag(name: .long, help: "Open the demo store in the user's cache directory.")
    var demo = false

    // Unconditional: the commands may begin with a dash (`-c '-- a note; status'`).
    @Option(name: .customShort("c"), parsing: .unconditional,
            help: ArgumentHelp("Commands to run, separated by ';' or newlines.", valueName: "COMMANDS"))
    var commands: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("A script file to run.", valueName: "FILE"))
    var file: String?

    @Option(name: .long, help: ArgumentHelp("The output mode to start in.", valueName: "MODE"))
    var format: OutputMode?

    @Flag(name: .long, help: "Stop at the first failing command.")
    var bail = false

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is looking: analysts see names and id numbers masked.", valueName: "ROLE"))
    var role: Role = .analyst

    @Flag(name: .long, help: "Open the store read-only.")
    var readOnly = false

    mutating func validate() throws {
        if demo && store != nil { throw ValidationError("--demo and --store name two stores; give one") }
        if commands != nil && file != nil { throw ValidationError("-c and -f both give commands; give one") }
    }

    func run() throws {
        // Without a store, commands that need none (check, keygen, help) still run;
        // the others say that a store is missing.
        let path: String?
        if demo {
            do { path = try DemoStore.prepare(showProgress: isatty(0) == 1 && isatty(2) == 1) } catch {
                printError("error: \(error)")
                throw ExitCode(1)
            }
        } else {
            path = store
        }
        let interactive = commands == nil && file == nil && isatty(0) == 1
        Interruption.install()
        let session = Session(storePath: path, readOnly: readOnly, role: role,
                              mode: format ?? .table, bail: bail, interactive: interactive)
        let ok: Bool
        if let commands {
            ok = session.run(script: commands, source: nil)
        } else if let file {
            let text: String
            do { text = try TextFile.read(file) } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            ok = session.run(script: text, source: file)
        } else if interactive {
            ok = session.runInteractive()
        } else {
            let text: String
            do { text = try TextFile.readStandardInput() } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            ok = session.run(script: text, source: "<stdin>")
        }
        session.close()
        // Leave now: the projections a session built (10^5 households) are given back
        // to the system whole, not freed object by object on the way out.
        fflush(nil)  // every C stream, stdout among them
        Glibc.exit(session.interrupted ? 130 : ok ? 0 : 1)
    }

    /// Runs a subcommand with options of its own (`generate`, `copy`): parsed on its own
    /// so the root's options do not take its arguments. Usage errors exit 2.
    static func runSubcommand<C: ParsableCommand>(_ type: C.Type, _ args: [String]) {
        do {
            var command = try type.parseAsRoot(args)
            try command.run()
        } catch {
            let code = type.exitCode(for: error)
            if code == .success { print(type.helpMessage()); Glibc.exit(0) }
            if let e = error as? ExitCode { Glibc.exit(e.rawValue) }
            printError("error: " + type.message(for: error).replacingOccurrences(of: "Error: ", with: ""))
            Glibc.exit(2)
        }
    }

    /// Usage errors exit 2, as docs/repl.md documents (ArgumentParser's default is 64).
    static func main() {
        do {
            // `generate` has its own --store; it is parsed on its own so the root's
            // options do not take its arguments.
            let args = Array(CommandLine.arguments.dropFirst())
            if args.first == "generate" {
                runSubcommand(GenerateCommand.self, Array(args.dropFirst()))
                return
            }
            if args.first == "copy" {
                runSubcommand(CopyCommand.self, Array(args.dropFirst()))
                return
            }
            // `fprepl help [CMD]`: the REPL's help, as at the prompt.
            if args.first == "help" {
                let session = Session(storePath: nil, readOnly: true, role: .analyst, mode: .table, bail: false, interactive: false)
                let ok = session.run(script: args.joined(separator: " "), source: nil)
                fflush(nil)
                Glibc.exit(ok ? 0 : 1)
            }
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            if let e = error as? ExitCode {
                Glibc.exit(e.rawValue)
            }
            printError("error: " + message(for: error).replacingOccurrences(of: "Error: ", with: ""))
            Glibc.exit(2)
        }
    }
}

/// Who is looking: decides whether names and id numbers are shown.
enum Role: String, ExpressibleByArgument, CaseIterable {
    /// 审计: sees personal data.
    case auditor
    /// 统计/扶贫办: sees names and id numbers masked.
    case analyst
    /// 纪检监察: sees personal data.
    case inspector
}

/// Writes a line to stderr (errors, warnings, notes), its control characters written out.
func printError(_ line: String) {
    var bytes = Array((escapingControlCharacters(line) + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// A file a command needs: its text, or the command fails saying why.
func readTextFileForCommand(_ path: String) throws -> String {
    do { return try TextFile.read(path) } catch { throw CommandError(error.description) }
}

/// Writes `text` to the file at `path` with `mode`, whole or not at all, or the command
/// fails saying why (a full disk among them). A regular file is written under a
/// temporary name beside it, flushed to disk and renamed over `path`, so an interrupted
/// or failed write leaves what was there before; a device or a pipe (`/dev/stdout`, a
/// FIFO) is written in place. Files that may hold personal data get 0600.
func writeFileForCommand(_ text: String, to path: String, mode: Int = 0o600) throws {
    func failure(_ what: String = path) -> CommandError {
        CommandError("cannot write \(what): \(String(cString: strerror(errno)))")
    }
    let bytes = Array(text.utf8)
    func writeAll(_ fd: Int32) -> Bool { bytes.withUnsafeBytes { FileBytes.writeAll(fd, $0) } }
    var info = stat()
    if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw failure() }
        defer { close(fd) }
        guard writeAll(fd) else { throw failure() }
        return
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = folder + "." + name + ".fprepl-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
    guard fd >= 0 else { throw failure() }
    // The mode asked for, whatever the umask; on disk before it takes the name.
    guard fchmod(fd, mode_t(mode)) == 0, writeAll(fd), fsync(fd) == 0 else {
        let e = failure()
        close(fd)
        unlink(temporary)
        throw e
    }
    guard close(fd) == 0, rename(temporary, path) == 0 else {
        let e = failure()
        unlink(temporary)
        throw e
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}


