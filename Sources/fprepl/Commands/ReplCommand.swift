/// A REPL command (or dot command), declared once: its name, help, usage, example,
/// the words and options it takes and what Tab completes for each, and `run`.
///
/// Every command is one type conforming to this protocol, listed once in
/// ``CommandRegistry/all``. `help`, `.help CMD`, tab completion, the "unknown
/// command" error and the command table of `docs/repl.md` are all made from these
/// declarations, so a new command is one new type plus its tests
/// (`docs/contributing.md`).
///
/// `run` gets the words and options already parsed and checked against ``syntax``, and
/// returns a typed ``CommandResult`` that the session renders in its output mode.
protocol ReplCommand: Sendable {
    /// The word that starts it: `households`, `.mode`.
    static var name: String { get }
    /// Other words that start it, listed nowhere (`.exit` for `.quit`).
    static var aliases: [String] { get }
    /// One line for `help`.
    static var summary: String { get }
    /// Its forms, for `.help CMD` and the docs: `replay ID [--until DATE|#POS] [--step]`.
    static var usage: [String] { get }
    /// A command line showing its use (`.help CMD` prints it); on the demo store it works
    /// as it is, or with the files it names made first.
    static var example: String { get }
    /// What `docs/repl.md`'s command table says of it: the summary, or more.
    static var reference: String { get }
    /// What follows the name: words and options, or text it parses itself.
    static var syntax: CommandSyntax { get }
    /// Whether it sets how the commands after it answer (`asof`, `.as`, `.mode`,
    /// `.output`, `.read`): when it fails, a script stops, since what follows would
    /// answer for another point, person or form than the one its author asked for.
    static var setsWhatFollows: Bool { get }

    /// Runs the command in a session.
    ///
    /// - Parameters:
    ///   - call: The command line, parsed against ``syntax``.
    ///   - session: The store, asof point, role and output of this run of fprepl.
    /// - Returns: What to show; the session renders it.
    /// - Throws: ``CommandError`` (or an error of the store's) saying in one line why
    ///   the command failed. Nothing is printed for a failed command.
    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult
}

extension ReplCommand {
    static var aliases: [String] { [] }
    static var reference: String { summary }
    static var usage: [String] { [name] }
    static var syntax: CommandSyntax { .none }
    static var setsWhatFollows: Bool { false }
}
