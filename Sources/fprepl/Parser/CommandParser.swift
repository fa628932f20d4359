import Foundation
import Projections
/// One command line, parsed against its command's ``CommandSyntax``.
struct CommandCall {
    /// The command the line starts with.
    var command: any ReplCommand.Type
    /// The word it was called by (the name or an alias), as typed.
    var calledAs: String
    /// The text after that word, as typed (quotes and spacing kept for the query parser).
    var rest: String
    /// The words that are not options or their values, in order.
    var words: [String]
    private var values: [String: String]
    private var flags: Set<String>

    init(command: any ReplCommand.Type, calledAs: String, rest: String, words: [String],
         values: [String: String] = [:], flags: Set<String> = []) {
        self.command = command
        self.calledAs = calledAs
        self.rest = rest
        self.words = words
        self.values = values
        self.flags = flags
    }

    /// The value of an option the command declares, parsed; `nil` when not given.
    subscript<Value>(_ option: CommandOption<Value>) -> Value? {
        values[option.name].flatMap(option.parse)
    }

    /// Whether a flag the command declares was given.
    subscript(_ flag: CommandFlag) -> Bool { flags.contains(flag.name) }

    /// The error for a line whose words do not fit the command: its `misuse` text.
    var misuse: CommandError {
        if case .words(_, _, let misuse) = command.syntax, !misuse.isEmpty { return CommandError(misuse) }
        return CommandError("\(command.name) takes no arguments")
    }
}

/// Parses one command line: finds its command in the registry, then its words and
/// options by the command's ``CommandSyntax``.
enum CommandParser {
    /// The longest command line taken, in bytes of UTF-8 (an `in (...)` list of 10,000
    /// household ids is 180 kB).
    static let longestCommand = 1 << 20
    /// - Returns: `nil` for a line of white space only.
    /// - Throws: ``CommandError`` for an unknown command (listing the valid ones), too
    ///   few or too many words, an unknown option, or an option value that does not parse.
    static func parse(_ text: String) throws -> CommandCall? {
        guard text.utf8.count <= longestCommand else {
            throw CommandError("a command of \(text.utf8.count) bytes is longer than the \(longestCommand) a command may have")
        }
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        let name = String(trimmed.prefix { $0 != " " && $0 != "\t" })
        guard !name.isEmpty else { return nil }
        guard let command = CommandRegistry.command(named: name.lowercased()) else {
            throw CommandRegistry.unknown(name)
        }
        let rest = String(trimmed.dropFirst(name.count))
        guard case .words(let slots, let options, _) = command.syntax else {
            return CommandCall(command: command, calledAs: name, rest: rest, words: [])
        }
        var words: [String] = []
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var pending = try Self.words(rest, command: command.name)[...]
        while let word = pending.popFirst() {
            guard !options.isEmpty, word.hasPrefix("--") else {
                // A file is named as a shell would: `~/` is the home folder.
                let slot = words.count < slots.count ? slots[words.count] : nil
                // An id may be typed in its stream's form: household-5301241012010001.
                if let slot, case .files = slot.completes {
                    words.append(Self.home(word))
                } else if let id = slot?.completes.idKinds.lazy.compactMap({ $0.category.id(of: word) }).first {
                    words.append(id)
                } else {
                    words.append(word)
                }
                continue
            }
            guard let option = options.first(where: { $0.name == word }) else {
                throw CommandError("\(command.name): unknown option \(word); options: " + options.map(\.name).joined(separator: ", "))
            }
            guard option.valueName != nil else {
                flags.insert(word)
                continue
            }
            // A value is the next word, unless it is another of the command's options.
            guard let value = pending.first, !options.contains(where: { $0.name == value }), option.accepts(value) else {
                throw CommandError("\(command.name): \(word) takes \(option.expects)")
            }
            pending.removeFirst()
            values[word] = option.takesFile ? Self.home(value) : value
        }
        let call = CommandCall(command: command, calledAs: name, rest: rest, words: words, values: values, flags: flags)
        let required = slots.filter { !$0.optional }.count
        guard (required...slots.count).contains(words.count) else { throw call.misuse }
        return call
    }

    /// The words of a command line: runs of characters between spaces or tabs, where
    /// text in single or double quotes is one word without its quotes (a file name with
    /// spaces: `export 'county report.jsonl'`).
    static func words(_ text: String, command: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(c)
                inWord = true
            }
        }
        if quote != nil { throw CommandError("\(command): the quoted text is not closed") }
        if inWord { words.append(word) }
        return words
    }

    /// A path with a leading `~/` made the home folder's (`$HOME`); any other as it is.
    static func home(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return path }
        return home + path.dropFirst()
    }
}
