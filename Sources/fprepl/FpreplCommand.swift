import ArgumentParser
import EventStore
import Foundation
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
        discussion: "Also: fprepl generate --store PATH [--households N] [--seed S] [--years 2014-2023] (see fprepl generate --help).",
        version: "fp-ledger 0.1.0")

    @Option(name: .long, help: "The store directory (created on first write).")
    var store: String?

    @Flag(name: .long, help: "Open the demo store in the user's cache directory.")
    var demo = false

    @Option(name: .customShort("c"), help: "Commands to run, separated by ';' or newlines.")
    var commands: String?

    @Option(name: .customShort("f"), help: "A script file to run.")
    var file: String?

    @Option(name: .long, help: "Initial output mode: table, json, csv or line.")
    var format: OutputMode?

    @Flag(name: .long, help: "Stop at the first failing command.")
    var bail = false

    @Option(name: .customLong("as"), help: "Viewer role: auditor, analyst or inspector (default analyst).")
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
        Glibc.exit(ok ? 0 : 1)
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

    /// Usage errors exit 2, as REPL.md fixes (ArgumentParser's default is 64).
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

/// Creates (or empties) a file with `mode` and writes `text`, or the command fails
/// saying why. Files that may hold personal data get 0600.
func writeFileForCommand(_ text: String, to path: String, mode: Int = 0o600) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
        throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}


