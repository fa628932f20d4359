import Projections

/// `.mode MODE`: the output mode for what follows.
enum ModeCommand: ReplCommand {
    static let setsWhatFollows = true
    static let name = ".mode"
    static let summary = "output mode for what follows: table, json, csv or line"
    static let usage = [".mode MODE"]
    static let example = ".mode json"
    static let syntax = CommandSyntax.words([Word("MODE", completes: .words(OutputMode.allCases.map(\.rawValue)))],
                                            misuse: ".mode takes one of: " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        guard let mode = OutputMode(rawValue: call.words[0]) else { throw call.misuse }
        session.mode = mode
        // Shown in the mode it sets: `.mode json` answers in JSON, the others say nothing.
        return .said("", json: [("mode", .string(mode.rawValue))])
    }
}

/// `.output FILE` and `.output`: where results go.
enum OutputCommand: ReplCommand {
    static let setsWhatFollows = true
    static let name = ".output"
    static let summary = "send results to a file (mode 0600); .output alone sends them back to stdout"
    static let usage = [".output FILE", ".output"]
    static let example = ".output households.csv"
    static let reference = "results go to FILE (created or emptied, mode 0600) until `.output` alone sends them back to stdout; errors always go to stderr"
    static let syntax = CommandSyntax.words([.file(optional: true)], misuse: ".output takes a file, or nothing to return to stdout")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        try session.redirectOutput(to: call.words.first)
        return .said("", json: [("output", call.words.first.map { .string($0) } ?? .null)])
    }
}

/// `.read FILE`: a script's commands run in this session.
enum ReadCommand: ReplCommand {
    static let setsWhatFollows = true
    static let name = ".read"
    static let summary = "run the commands of a script file here; its errors name FILE:LINE"
    static let usage = [".read FILE"]
    static let example = ".read monthly-check.fp"
    static let reference = "run a script's commands in this session (same store, mode, role and asof); its errors say `FILE:LINE:`; "
        + "with `--bail` the first stops everything; nesting stops at 16"
    static let syntax = CommandSyntax.words([.file()], misuse: ".read takes one script file")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        try session.read(script: call.words[0])
        return .nothing
    }
}

/// `.timer on|off`: each command's elapsed time on stderr.
enum TimerCommand: ReplCommand {
    static let name = ".timer"
    static let summary = "on: print each command's elapsed time to stderr"
    static let usage = [".timer on|off"]
    static let example = ".timer on"
    static let reference = "after each command, `Run Time: 0.012 s` on stderr"
    static let syntax = CommandSyntax.words([Word("on|off", completes: .words(["on", "off"]))], misuse: ".timer takes on or off")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        guard ["on", "off"].contains(call.words[0]) else { throw call.misuse }
        session.timer = call.words[0] == "on"
        return .said("", json: [("timer", .bool(session.timer))])
    }
}

/// `.as ROLE`: who is looking, and so whether names and id numbers are shown.
enum AsCommand: ReplCommand {
    static let setsWhatFollows = true
    static let name = ".as"
    static let summary = "viewer role: auditor and inspector see names and id numbers, analyst sees them masked"
    static let usage = [".as ROLE"]
    static let example = ".as auditor"
    static let syntax = CommandSyntax.words([Word("ROLE", completes: .words(Role.allCases.map(\.rawValue)))],
                                            misuse: ".as takes one of: " + Role.allCases.map(\.rawValue).joined(separator: ", "))

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        guard let role = Role(rawValue: call.words[0]) else { throw call.misuse }
        session.role = role
        return .said("", json: [("role", .string(role.rawValue))])
    }
}

/// `.quit` (or `.exit`, `quit`, `exit`, or Ctrl-D): leave fprepl.
enum QuitCommand: ReplCommand {
    static let name = ".quit"
    static let aliases = [".exit", "quit", "exit"]
    static let summary = "leave fprepl (also .exit, quit, exit, or Ctrl-D)"
    static let example = ".quit"

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        session.quit()
        return .nothing
    }
}
