import Foundation

/// Reading commands, running them and printing what they give: from a script, or
/// interactively with line editing.
extension Session {
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
            Completion.candidates(before: before, word: word) { self.completionIDs($0) }
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

    /// Runs one command: parses it, runs it, renders its result in the output mode and
    /// prints it where results go, or prints one error line to stderr.
    ///
    /// - Returns: Whether the command succeeded.
    @discardableResult
    func execute(_ text: String, line: Int?, source: String?) -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        var call: CommandCall?
        defer {
            if timer, !(call?.command is TimerCommand.Type) {
                printError(String(format: "Run Time: %.3f s", (clock.now - start).seconds))
            }
        }
        do {
            call = try CommandParser.parse(text)
            guard let call else { return true }
            let output = try call.command.run(call, in: self).render(mode)
            if quitRequested || output.isEmpty { return true }
            emit(output)
            return true
        } catch is SilentFailure {
            return false
        } catch {
            var prefix = ""
            if let source, let line { prefix = "\(source):\(line): " }
            printError(prefix + "error: " + CommandError.line(for: error))
            return false
        }
    }
}
