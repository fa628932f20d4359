/// Every REPL command, in the order `help` lists them: the one place a command is named
/// after its own declaration.
enum CommandRegistry {
    /// The commands, then the dot commands.
    static let all: [any ReplCommand.Type] = [
        StatusCommand.self, HouseholdCommand.self, HouseholdsCommand.self, CountCommand.self, HistoryCommand.self,
        ReplayCommand.self, ExitCheckCommand.self, FundsCommand.self, LedgerCommand.self, ProjectsCommand.self,
        LoansCommand.self, FindingsCommand.self, SampleCommand.self, StatsCommand.self, RatesCommand.self,
        AsofCommand.self, ImportCommand.self, ExportCommand.self, RebuildCommand.self, DigestCommand.self,
        VerifyCommand.self, CheckpointCommand.self, KeygenCommand.self, ProveCommand.self, SpotCheckCommand.self, CheckCommand.self,
        HelpCommand.self,
        DotHelpCommand.self, ModeCommand.self, OutputCommand.self, ReadCommand.self, TimerCommand.self,
        AsCommand.self, QuitCommand.self,
    ]

    /// The commands' names (not the dot commands').
    static var commandNames: [String] { all.map { $0.name }.filter { !$0.hasPrefix(".") } }

    /// The dot commands' names.
    static var dotCommandNames: [String] { all.map { $0.name }.filter { $0.hasPrefix(".") } }

    private static let byName: [String: any ReplCommand.Type] = {
        var out: [String: any ReplCommand.Type] = [:]
        for c in all {
            for n in [c.name] + c.aliases {
                precondition(out[n] == nil, "two commands are called \(n)")
                out[n] = c
            }
        }
        return out
    }()

    /// The command a word starts, by its name or an alias.
    static func command(named name: String) -> (any ReplCommand.Type)? { byName[name] }

    /// The error for a word that starts no command, listing those that exist.
    static func unknown(_ name: String) -> CommandError {
        CommandError("unknown command '\(name)'; commands: \(commandNames.joined(separator: ", ")); "
            + "dot commands: \(dotCommandNames.joined(separator: ", "))")
    }

    /// The command table of `docs/repl.md`: each command's forms and what it does.
    static func markdownTable() -> String {
        var out = "| command | what it does |\n|---|---|\n"
        for c in all {
            let forms = c.usage.map { "`" + $0.replacingOccurrences(of: "|", with: "\\|") + "`" }.joined(separator: ", ")
            out += "| \(forms) | \(c.reference.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }
}
