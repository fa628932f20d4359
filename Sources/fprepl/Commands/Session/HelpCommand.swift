import Projections

/// `help` and `.help`: every command with its summary, or one command's usage,
/// options and example, all from the commands' declarations.
enum HelpCommand: ReplCommand {
    static let name = "help"
    static let summary = "this list, or one command's help: usage, options, an example"
    static let usage = ["help [CMD]"]
    static let example = "help households"
    static let reference = "the commands, or one with its usage, options and an example"
    static let syntax = CommandSyntax.words([Word("CMD", completes: .commands, optional: true)],
                                            misuse: "help takes one command's name, or nothing: help replay")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let text = try text(for: call.words.first)
        guard let name = call.words.first else {
            return .document(.message(text), json: .array(CommandRegistry.all.map { c in
                .object(JSONObject([("name", .string(c.name)), ("summary", .string(c.summary))]))
            }))
        }
        return .document(.message(text), json: try json(for: name))
    }

    /// One command's help for scripts: `{"name","summary","usage","options":[{"name",
    /// "value","help"}],"example"}` (`value` is `null` for a flag).
    static func json(for name: String) throws -> JSONValue {
        let c = try command(name)
        var options: [JSONValue] = []
        if case .words(_, let declared, _) = c.syntax {
            options = declared.map { o in
                .object(JSONObject([("name", .string(o.name)), ("value", o.valueName.map { .string($0) } ?? .null), ("help", .string(o.help))]))
            }
        }
        return .object(JSONObject([
            ("name", .string(c.name)), ("summary", .string(c.summary)), ("usage", .array(c.usage.map { .string($0) })),
            ("options", .array(options)), ("example", .string(c.example)),
        ]))
    }

    /// The list of every command, or one command's help.
    ///
    /// - Throws: ``CommandError`` for a name that is no command's.
    static func text(for name: String?) throws -> String {
        guard let name else {
            let w = CommandRegistry.all.map { displayWidth($0.name) }.max() ?? 0
            return CommandRegistry.all.map { pad($0.name, to: w) + "  " + $0.summary + "\n" }.joined()
        }
        return page(try command(name))
    }

    /// The command `help NAME` is about: `.help mode` finds `.mode`.
    ///
    /// - Throws: ``CommandError`` for a name that is no command's.
    static func command(_ name: String) throws -> any ReplCommand.Type {
        guard let c = CommandRegistry.command(named: name.lowercased()) ?? CommandRegistry.command(named: "." + name.lowercased()) else {
            throw CommandRegistry.unknown(name)
        }
        return c
    }

    /// One command's help: summary, usage, options, example.
    static func page(_ c: any ReplCommand.Type) -> String {
        var out = "\(c.name): \(c.summary)\n"
        out += "usage: " + c.usage.joined(separator: "\n       ") + "\n"
        if case .words(_, let options, _) = c.syntax, !options.isEmpty {
            out += "options:\n"
            let w = options.map { displayWidth($0.usage) }.max() ?? 0
            for o in options { out += "  " + pad(o.usage, to: w) + "  " + o.help + "\n" }
        }
        out += "example: \(c.example)\n"
        return out
    }
}

/// `.help [CMD]`: the same as `help`.
enum DotHelpCommand: ReplCommand {
    static let name = ".help"
    static let summary = HelpCommand.summary
    static let usage = [".help [CMD]"]
    static let example = ".help status"
    static let reference = HelpCommand.reference
    static let syntax = HelpCommand.syntax

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        try HelpCommand.run(call, in: session)
    }
}
