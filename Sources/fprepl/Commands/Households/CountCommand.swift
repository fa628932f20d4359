import EventStore
import Projections

/// `count households [where EXPR] by FIELD[,FIELD]`: households and people per group.
enum CountCommand: ReplCommand {
    static let name = "count"
    static let summary = "grouped counts of households and people: count households [where EXPR] by FIELD[,FIELD]"
    static let usage = ["count households [where EXPR] by FIELD[,FIELD]"]
    static let example = "count households where status in (未脱贫, 返贫) by main_cause"
    static let reference = "households and people per group"
    static let syntax = CommandSyntax.text { done, word, _ in
        done.count == 1 ? ["households"] : Completion.queryWords(done, word: word)
    }

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let q = try HouseholdQuery.parsed({ try QueryParser.parseCount(call.rest) }, prefix: name.count)
        var groups: [[String]: (households: Int, people: Int)] = [:]
        for h in try session.county().households.values where q.filter.map({ QueryEvaluator.matches($0, h) }) ?? true {
            // A household counts once in each combination of its values (cause and
            // helper can have several).
            var keys: [[String]] = [[]]
            for f in q.groupBy {
                let vs = QueryEvaluator.values(f, h).map(\.description)
                let distinct = vs.isEmpty ? [""] : Array(Set(vs)).sorted()
                keys = keys.flatMap { k in distinct.map { k + [$0] } }
            }
            for k in keys {
                groups[k, default: (0, 0)].households += 1
                groups[k, default: (0, 0)].people += h.people
            }
        }
        let sorted = groups.sorted { a, b in
            a.value.households != b.value.households ? a.value.households > b.value.households : a.key.lexicographicallyPrecedes(b.key)
        }
        let columns = q.groupBy.map { TableResult.Column.text($0.rawValue, $0.rawValue) }
            + [.number("households", "households"), .number("people", "people")]
        let numericFields: Set<HouseholdField> = [.members, .identifiedYear, .exitYear]
        let rows = sorted.map { key, counts -> [ResultValue] in
            zip(q.groupBy, key).map { f, v -> ResultValue in
                if v.isEmpty { return .null }
                if numericFields.contains(f), let n = Int64(v) { return .integer(n) }
                if f == .income, let n = Double(v) { return .fen(Fen(Int64((n * 100).rounded()))) }
                if f == .monitored { return .bool(v == "true") }
                return .text(v)
            } + [.integer(Int64(counts.households)), .integer(Int64(counts.people))]
        }
        return .table(TableResult(columns: columns, rows: rows))
    }
}
