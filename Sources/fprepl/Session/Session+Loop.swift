import Foundation
import PostgresStore
#if canImport(Glibc)
import Glibc
#endif

/// Reading commands, running them and printing what they give: from a script, or
/// interactively with line editing.
extension Session {
    /// Runs every command of a script; returns whether all succeeded.
    func run(script: String, source: String?) -> Bool {
        // The folder of a script file, for the `.read`s inside it.
        let file = source.flatMap { $0 == "<stdin>" ? nil : $0 }
        scriptFolders.append(file.map { f in f.lastIndex(of: "/").map { String(f[...$0]) } ?? "" } ?? "")
        defer { scriptFolders.removeLast() }
        var ok = true
        for command in ScriptSplitter.split(script) {
            if quitRequested || interrupted || outputFailed || settingFailed { break }
            if Interruption.pending {
                // Ctrl-C during a command: the script stops here. At the prompt (a
                // `.read`), the interrupt is left for the scripts around this one and
                // the prompt, which forgets it.
                if !interactive {
                    Interruption.clear()
                    interrupted = true
                }
                let shown = command.text.count > 60 ? String(command.text.prefix(60)) + "..." : command.text
                printError((source.map { "\($0):\(command.line): " } ?? "") + "interrupted (Ctrl-C): the script stopped before `\(shown)`")
                break
            }
            if !execute(command.text, line: command.line, column: command.column, source: source) {
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
            Completion.candidates(before: before, word: word) { self.completionIDs($0) }
        }
        lineEditor = editor
        defer { lineEditor = nil }
        FileHandle.standardOutput.write(Data("fp-ledger \(storePath.map { PostgresAddress.redacted($0) } ?? "(no store)")\ntype help for the commands, .quit or Ctrl-D to leave\n".utf8))
        var ok = true
        while !quitRequested {
            editor.prompt = asOf == .now ? "fp> " : "fp[asof \(asOf)]> "
            // A Ctrl-C that came while nothing was read is not this line's.
            Interruption.clear()
            switch editor.read() {
            case .end:
                FileHandle.standardOutput.write(Data("\n".utf8))
                return ok
            case .interrupted:
                FileHandle.standardOutput.write(Data("\n".utf8))
                continue
            case .line(let line):
                editor.remember(line)
                if !runTyped(line) { ok = false }
            }
        }
        return ok
    }

    /// Runs the commands of a line typed at the prompt; Ctrl-C stops what is left of
    /// it, saying so, and the prompt comes back.
    private func runTyped(_ line: String) -> Bool {
        var ok = true
        let commands = ScriptSplitter.split(line)
        for (k, command) in commands.enumerated() {
            if Interruption.pending {
                let left = commands.count - k
                printError("note: Ctrl-C: " + (left == 1 ? "the last command of the line was not run" : "the last \(left) commands of the line were not run"))
                break
            }
            if !execute(command.text, line: nil, column: command.column, source: nil) { ok = false }
        }
        Interruption.clear()
        return ok
    }

    /// Asks the person at the terminal a question in the middle of a command (the
    /// replay's step prompt) and reads the answer: with line editing when the prompt has
    /// it, else a plain line from standard input. Ctrl-C gives `.interrupted`, Ctrl-D (or
    /// the end of input) `.end`.
    func ask(_ question: String) -> LineEditor.Input {
        if let lineEditor { return lineEditor.ask(question) }
        return readPlainLine(prompt: question)
    }

    /// A prompt and a line read from standard input byte by byte (nothing read ahead),
    /// without line editing.
    private func readPlainLine(prompt: String) -> LineEditor.Input {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(0, &byte, 1)
            if n < 0, errno == EINTR { return .interrupted }
            guard n > 0 else { return line.isEmpty ? .end : .line(String(decoding: line, as: UTF8.self)) }
            if byte == 0x0A { return .line(String(decoding: line, as: UTF8.self)) }
            line.append(byte)
        }
    }

    /// Without libedit: a prompt and plain lines; Ctrl-C cancels the line, Ctrl-D leaves.
    private func runPlainPrompt() -> Bool {
        var ok = true
        while !quitRequested {
            Interruption.clear()
            switch readPlainLine(prompt: "fp> ") {
            case .end:
                FileHandle.standardOutput.write(Data("\n".utf8))
                return ok
            case .interrupted:
                FileHandle.standardOutput.write(Data("\n".utf8))
            case .line(let line):
                if !runTyped(line) { ok = false }
            }
        }
        return ok
    }

    /// Runs one command: parses it, runs it, renders its result in the output mode and
    /// prints it where results go, or prints one error line to stderr.
    ///
    /// - Returns: Whether the command succeeded.
    @discardableResult
    func execute(_ text: String, line: Int?, column: Int = 1, source: String?) -> Bool {
        commandColumn = column
        let clock = ContinuousClock()
        let start = clock.now
        var call: CommandCall?
        // Errors in a script name its file and line.
        let prefix = source.flatMap { s in line.map { "\(s):\($0): " } } ?? ""
        defer {
            if timer, !(call?.command is TimerCommand.Type) {
                printError(String(format: "Run Time: %.3f s", (clock.now - start).seconds))
            }
        }
        do {
            call = try CommandParser.parse(text)
            guard let call else { return true }
            let output = try call.command.run(call, in: self).render(mode, width: terminalWidth)
            if quitRequested || output.isEmpty { return true }
            try emit(output)
            return true
        } catch is SilentFailure {
            return false
        } catch let stopped as CommandInterrupted {
            // A script stops (fprepl exits 130); a person gets the prompt back.
            if !interactive {
                Interruption.clear()
                interrupted = true
            }
            printError(prefix + "error: " + stopped.description)
            return false
        } catch {
            var said = CommandError.line(for: error)
            if let command = call?.command, command.setsWhatFollows {
                if interactive {
                    if command is AsofCommand.Type { said += "; the asof point is still \(asOf)" }
                } else {
                    settingFailed = true
                    said += "; the script stops here (the commands after it would answer for another point or in another form)"
                }
            }
            printError(prefix + "error: " + said)
            return false
        }
    }
}
