import EventStore

/// What a command takes after its name.
enum CommandSyntax {
    /// Words and `--options` in any order, parsed and checked by ``CommandParser``
    /// before `run`: too few or too many words get `misuse`; an unknown option, or a
    /// value that does not parse, gets an error naming the option.
    case words([Word], options: [OptionDeclaration], misuse: String)
    /// The rest of the line in a language of the command's own (the household query
    /// language), parsed by `run` from ``CommandCall/rest``; `complete` says what Tab
    /// offers given the words before the cursor (the command's name first) and the
    /// word being typed.
    case text(complete: @Sendable (_ done: [String], _ word: String, _ ids: (Completion.IDKind) -> [String]) -> [String])

    /// Nothing: `name takes no arguments` for anything after it.
    static let none = CommandSyntax.words([], options: [], misuse: "")

    /// Words (and no options).
    static func words(_ words: [Word], misuse: String) -> CommandSyntax { .words(words, options: [], misuse: misuse) }
}

/// A word a command takes at its place: what it stands for in the usage line and what
/// Tab completes there.
struct Word: Sendable {
    /// Its name in the usage line: `ID`, `FILE`.
    var name: String
    var completes: Completer
    /// Whether the command runs without it.
    var optional: Bool

    init(_ name: String, completes: Completer = .nothing, optional: Bool = false) {
        self.name = name
        self.completes = completes
        self.optional = optional
    }

    /// A household id (16 digits), completed from the household projection.
    static let household = Word("ID", completes: .ids(.household))

    /// A file, completed from the file system.
    static func file(optional: Bool = false) -> Word { Word("FILE", completes: .files, optional: optional) }
}

/// What Tab offers at a place.
indirect enum Completer: Sendable {
    case nothing
    /// These words.
    case words([String])
    /// The store's ids of a kind.
    case ids(Completion.IDKind)
    /// The names of every command.
    case commands
    /// Paths of files and folders (a folder with its `/`).
    case files
    /// All of these, in order.
    case all([Completer])

    /// The kinds of id it offers.
    var idKinds: [Completion.IDKind] {
        switch self {
        case .ids(let kind): return [kind]
        case .all(let parts): return parts.flatMap(\.idKinds)
        default: return []
        }
    }
}

/// An option with a value: `--from DATE`. `Value` is what its text parses to; the
/// parser refuses a command whose value does not parse, naming the option.
struct CommandOption<Value>: Sendable {
    /// `--from`.
    var name: String
    /// The value's name in the usage line: `DATE`, `N`, `FILE`.
    var valueName: String
    /// What the value must be, for errors: `a whole number`.
    var expects: String
    /// One line for `.help CMD`.
    var help: String
    var parse: @Sendable (String) -> Value?

    /// What ``CommandSyntax`` lists.
    var declaration: OptionDeclaration {
        let parse = self.parse
        return OptionDeclaration(name: name, valueName: valueName, expects: expects, help: help, accepts: { parse($0) != nil })
    }
}

extension CommandOption where Value == UInt64 {
    /// A whole number (a count, a position, a size).
    static func wholeNumber(_ name: String, _ valueName: String = "N", help: String) -> CommandOption {
        // Any count or position a store holds is below 10^15; a larger number is a slip.
        CommandOption(name: name, valueName: valueName, expects: "a whole number below 10^15", help: help,
                      parse: { UInt64($0).flatMap { $0 < 1_000_000_000_000_000 ? $0 : nil } })
    }
}

extension CommandOption where Value == EffectiveDate {
    /// A date, `YYYY-MM-DD`.
    static func date(_ name: String, help: String) -> CommandOption {
        CommandOption(name: name, valueName: "DATE", expects: "a date YYYY-MM-DD", help: help, parse: { EffectiveDate($0) })
    }
}

extension CommandOption where Value == String {
    /// Text: a file, a key, a name.
    static func text(_ name: String, _ valueName: String, expects: String, help: String) -> CommandOption {
        CommandOption(name: name, valueName: valueName, expects: expects, help: help, parse: { $0 })
    }
}

/// An option without a value: `--step`.
struct CommandFlag: Sendable {
    var name: String
    var help: String

    var declaration: OptionDeclaration {
        OptionDeclaration(name: name, valueName: nil, expects: "", help: help, accepts: { _ in true })
    }
}

/// An option or flag as the parser, help and completion see it, whatever its value's type.
struct OptionDeclaration: Sendable {
    var name: String
    /// `nil` for a flag.
    var valueName: String?
    /// Whether its value is a file (Tab completes paths): `FILE`, a key `KEY` or `PUB`.
    var takesFile: Bool { ["FILE", "KEY", "PUB"].contains(valueName ?? "") }
    var expects: String
    var help: String
    var accepts: @Sendable (String) -> Bool

    /// `--from DATE`, `--step`.
    var usage: String { valueName.map { name + " " + $0 } ?? name }
}
