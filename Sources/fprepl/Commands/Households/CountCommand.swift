import EventStore
import Projections

/// `count households [where EXPR] [by FIELD[,FIELD]] [order by COLUMN [desc|asc]] [limit N]`:
/// households and people, in all or per group.
enum CountCommand: ReplCommand {
    static let name = "count"
    static let summary = "households and people, in all or per group: count households [where EXPR] [by FIELD[,FIELD]]"
    static let usage = ["count households [where EXPR] [by FIELD[,FIELD]] [order by COLUMN [desc|asc]] [limit N]"]
    static let example = "count households where status in (未脱贫, 返贫) by main_cause order by households desc"
    static let reference = "households and people matching EXPR: without `by` one row, the total; with `by`, one row per group "
        + "(a household with two causes counts in both), ordered by the grouping fields (labels in their code-table order, "
        + "numbers by value, an empty value last) unless `order by` names a column (a grouping field, `households` or `people`); "
        + "`limit N` keeps the first N rows"
    static let syntax = CommandSyntax.text { done, word, _ in
        if done.count == 1 { return ["households"] }
        if done.last == "by", done.count >= 2, done[done.count - 2] == "order" {
            return countColumns(done)
        }
        return Completion.queryWords(done, word: word)
    }

    /// The columns `order by` may name, from the grouping fields typed so far.
    static func countColumns(_ done: [String]) -> [String] {
        guard let by = done.firstIndex(of: "by"), by + 1 < done.count else { return ["households", "people"] }
        let fields = done[(by + 1)...].prefix { $0 != "order" }.joined().split(separator: ",").map(String.init)
        return fields + ["households", "people"]
    }

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let q = try HouseholdQuery.parsed({ try QueryParser.parseCount(call.rest, villages: session.villagesForQuery) }, prefix: name.count + session.commandColumn - 1)
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
        // Without groups, one row: the total, zero when nothing matched.
        if q.groupBy.isEmpty, groups.isEmpty { groups[[]] = (0, 0) }
        let sorted = groups.map { (key: $0.key, households: $0.value.households, people: $0.value.people) }
            .sorted { a, b in
                if let (column, descending) = q.countOrder {
                    let order: Order
                    switch column {
                    case "households": order = compare(a.households, b.households)
                    case "people": order = compare(a.people, b.people)
                    default:
                        let k = q.groupBy.firstIndex { $0.rawValue == column } ?? 0
                        order = compare(a.key[k], b.key[k], q.groupBy[k])
                    }
                    if order != .same { return descending ? order == .after : order == .before }
                }
                // Then by the grouping fields, in their order.
                for (k, f) in q.groupBy.enumerated() {
                    let order = compare(a.key[k], b.key[k], f)
                    if order != .same { return order == .before }
                }
                return false
            }
            .prefix(q.limit ?? Int.max)
        let numericFields: Set<HouseholdField> = [.members, .identifiedYear, .exitYear]
        let columns = q.groupBy.map { f in
            numericFields.contains(f) || f == .income ? TableResult.Column.number(f.rawValue, f.rawValue) : .text(f.rawValue, f.rawValue)
        } + [.number("households", "households"), .number("people", "people")]
        let rows = sorted.map { group -> [ResultValue] in
            let key = group.key
            return zip(q.groupBy, key).map { f, v -> ResultValue in
                if v.isEmpty { return .null }
                if numericFields.contains(f), let n = Int64(v) { return .integer(n) }
                if f == .income, let n = Double(v) { return .fen(Fen(Int64((n * 100).rounded()))) }
                if f == .monitored { return .bool(v == "true") }
                return .text(v)
            } + [.integer(Int64(group.households)), .integer(Int64(group.people))]
        }
        return .table(TableResult(columns: columns, rows: rows))
    }

    enum Order { case before, same, after }

    static func compare(_ a: Int, _ b: Int) -> Order { a < b ? .before : a > b ? .after : .same }

    /// Two values of a grouping field: labels in their code-table order, numbers by
    /// value, other text by its characters; an empty value after every other.
    static func compare(_ a: String, _ b: String, _ field: HouseholdField) -> Order {
        if a == b { return .same }
        if a.isEmpty || b.isEmpty { return a.isEmpty ? .after : .before }
        let labels = field.labels
        if let x = labels.firstIndex(of: a), let y = labels.firstIndex(of: b) { return compare(x, y) }
        if let x = Double(a), let y = Double(b), x != y { return x < y ? .before : .after }
        return a < b ? .before : .after
    }
}
