import Projections

/// What tab completes: commands at the start of a line, then words that fit where the
/// cursor is: query keywords and field names, the labels of status and causes, output
/// modes, roles, `stats` and `ledger` groupings, findings rules, stream ids from the
/// store (households, funds, projects), each command's options.
enum Completion {
    /// The kinds of stream id that complete.
    enum IDKind { case household, fund, project }

    /// - Parameter ids: The store's ids of a kind, asked for only when such an id is
    ///   what fits.
    static func candidates(before: String, word: String, ids: (IDKind) -> [String] = { _ in [] }) -> [String] {
        let words = before.split(separator: " ").map(String.init)
        let done = word.isEmpty ? words : Array(words.dropLast())
        guard let first = done.first else {
            return (CommandRunner.commands + CommandRunner.dotCommands).sorted()
        }
        let last = done.last ?? ""
        switch first {
        case ".mode": return done.count == 1 ? OutputMode.allCases.map(\.rawValue) : []
        case ".as": return done.count == 1 ? Role.allCases.map(\.rawValue) : []
        case ".help", "help": return done.count == 1 ? CommandRunner.commands + CommandRunner.dotCommands : []
        case "stats": return done.count == 1 ? ["by"] : (last == "by" ? AreaLevel.allCases.map(\.rawValue) : [])
        case "ledger": return done.count == 1 ? ["by"] : (last == "by" ? TwoLedgers.Grouping.allCases.map(\.rawValue) : [])
        case "sample": return ["--towns", "--villages", "--households", "--seed"]
        case "funds":
            if done.count == 1 { return (["household"] + ids(.fund)).filter { $0.hasPrefix(word) } }
            return last == "household" ? ids(.household).filter { $0.hasPrefix(word) } : []
        case "projects": return done.count == 1 ? ids(.project).filter { $0.hasPrefix(word) } : []
        case "loans": return done.count == 1 ? ids(.household).filter { $0.hasPrefix(word) } : []
        case "findings":
            guard let w = done.firstIndex(of: "where") else { return FindingRules.all.map(\.id) + ["where"] }
            return queryWords(Array(done[w...]), word: word)
        case "asof": return done.count == 1 ? ["position", "recorded", "effective", "now"] : []
        case "rates": return ["--from", "--to"]
        case "export": return done.count >= 2 ? ["--from", "--stream"] : []
        case "household", "history", "replay", "exit-check":
            if done.count == 1 { return ids(.household).filter { $0.hasPrefix(word) } }
            if first == "replay" { return last == "--until" ? [] : ["--until", "--step"] }
            return []
        case "prove", "check": return done.count == 1 ? ["inclusion", "consistency"] : proofOptions(first)
        case "checkpoint": return ["--sign", "--verify", "--origin", "--out"]
        case "verify": return ["--checkpoint", "--key"]
        case "keygen": return done.count >= 2 ? ["--dir"] : []
        case "count" where done.count == 1: return ["households"]
        case "households", "count": return queryWords(done, word: word)
        default: return []
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
            return values(of: field)
        }
        if HouseholdField(rawValue: last) != nil { return ["=", "!=", "<", "<=", ">", ">=", "in", "like"] }
        return ["where", "and", "or", "by", "order", "limit", "desc"]
    }

    static func proofOptions(_ command: String) -> [String] {
        command == "prove" ? ["--size", "--out"]
            : ["--root", "--checkpoint", "--key", "--old-root", "--new-root", "--old-checkpoint", "--new-checkpoint"]
    }

    static func values(of field: HouseholdField) -> [String] {
        switch field {
        case .status: return HouseholdStatus.allCases.map(\.label)
        case .mainCause, .cause: return Labels.cause.labels
        case .attribute: return Labels.attribute.labels
        case .monitored: return ["true", "false"]
        default: return []
        }
    }
}
