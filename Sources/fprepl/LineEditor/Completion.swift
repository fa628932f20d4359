import Foundation
import Projections

/// What Tab completes, from the commands' declarations: commands at the start of a
/// line, then what the command's ``CommandSyntax`` says fits where the cursor is: the
/// completions of the word at that place (stream ids from the store, groupings,
/// modes, roles), the value of an option, the command's options; or, for commands
/// in the query language, its keywords, field names and labels.
enum Completion {
    /// The kinds of stream id that complete.
    enum IDKind: Sendable {
        case household, fund, project

        /// The category of its streams: an id typed in its stream's form
        /// (`household-5301241012010001`) is taken as the id.
        var category: StreamCategory {
            switch self {
            case .household: return .household
            case .fund: return .fund
            case .project: return .project
            }
        }
    }

    /// - Parameters:
    ///   - before: The line up to the cursor.
    ///   - word: The word being typed (the end of `before`).
    ///   - ids: The store's ids of a kind, asked for only when such an id is what fits.
    static func candidates(before: String, word: String, ids: (IDKind) -> [String] = { _ in [] }) -> [String] {
        let words = before.split(separator: " ").map(String.init)
        let done = word.isEmpty ? words : Array(words.dropLast())
        guard let first = done.first else {
            return CommandRegistry.all.map { $0.name }.sorted()
        }
        guard let command = CommandRegistry.command(named: first.lowercased()) else { return [] }
        switch command.syntax {
        case .text(let complete):
            return complete(done, word, ids)
        case .words(let slots, let options, _):
            // An option's value: paths for a file, else nothing to offer (a date, a number).
            if let last = done.last, done.count > 1, let option = options.first(where: { $0.name == last && $0.valueName != nil }) {
                return option.takesFile ? paths(word) : []
            }
            // The words given so far that are not options or their values.
            var given = 0
            var used: Set<String> = []
            var k = 1
            while k < done.count {
                if let o = options.first(where: { $0.name == done[k] }) {
                    used.insert(o.name)
                    k += o.valueName == nil ? 1 : 2
                } else {
                    given += 1
                    k += 1
                }
            }
            let unused = options.map(\.name).filter { !used.contains($0) }
            guard given < slots.count, case let completer = slots[given].completes, !isNothing(completer) else {
                return unused.filter { $0.hasPrefix(word) }
            }
            return offers(completer, word: word, ids: ids).filter { $0.hasPrefix(word) }
        }
    }

    private static func isNothing(_ c: Completer) -> Bool {
        if case .nothing = c { return true }
        return false
    }

    /// What a completer offers for the word being typed.
    static func offers(_ c: Completer, word: String, ids: (IDKind) -> [String]) -> [String] {
        switch c {
        case .nothing: return []
        case .words(let words): return words
        case .ids(let kind): return ids(kind).filter { $0.hasPrefix(word) }
        case .commands: return CommandRegistry.all.map { $0.name }
        case .files: return paths(word)
        case .all(let parts): return parts.flatMap { offers($0, word: word, ids: ids) }
        }
    }

    /// The files and folders whose paths start with `word` (relative to the working
    /// folder, or absolute, or from `~/`), folders ending in `/`; hidden ones only when
    /// the word asks for them with a leading dot.
    static func paths(_ word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let folder = slash.map { String(word[...$0]) } ?? ""
        let start = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var listed = folder.isEmpty ? "." : folder
        if listed.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] { listed = home + listed.dropFirst() }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return [] }
        return names.filter { $0.hasPrefix(start) && (start.hasPrefix(".") || !$0.hasPrefix(".")) && !$0.contains(" ") }
            .sorted()
            .map { name in
                var isFolder: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: listed + "/" + name, isDirectory: &isFolder)
                return folder + name + (isFolder.boolValue ? "/" : "")
            }
    }

    /// Inside a query: field names after `where`, `and`, `or`, `by`; operators after a
    /// field; a labelled field's values after `=`, `!=`, `in`; keywords otherwise.
    static func queryWords(_ done: [String], word: String) -> [String] {
        let last = done.last ?? ""
        let fields = HouseholdField.allCases.map(\.rawValue)
        if ["where", "and", "or", "by", "(", ","].contains(last) || last.hasSuffix(",") { return fields }
        if last == "order" { return ["by"] }
        if let field = HouseholdField(rawValue: done.count >= 2 ? done[done.count - 2] : ""), ["=", "!=", "in"].contains(last) {
            return field.labels
        }
        if HouseholdField(rawValue: last) != nil { return ["=", "!=", "<", "<=", ">", ">=", "in", "like"] }
        return ["where", "and", "or", "by", "order", "limit", "desc"]
    }

}
