import EventStore
import Projections

/// `households [where EXPR] [order by FIELD [desc]] [limit N]` and
/// `count households [where EXPR] by FIELD[,FIELD]`.
enum HouseholdQueryCommands {
    static func parse(_ body: () throws -> HouseholdQuery, prefix: Int) throws -> HouseholdQuery {
        do {
            var q = try body()
            q.filter = try q.filter.map(QueryEvaluator.normalize)
            return q
        } catch let e as QueryError {
            throw CommandError(e.column > 0 ? "column \(e.column + prefix): \(e.message)" : e.message)
        }
    }

    static func households(_ rest: String, _ session: Session) throws -> String {
        let q = try parse({ try QueryParser.parseHouseholds(rest) }, prefix: "households".count)
        var rows = try session.county().households.values.filter { h in q.filter.map { QueryEvaluator.matches($0, h) } ?? true }
        rows.sort { $0.id < $1.id }
        if let (field, desc) = q.orderBy {
            rows.sort { a, b in
                let x = QueryEvaluator.values(field, a).first, y = QueryEvaluator.values(field, b).first
                switch (x, y) {
                case (nil, nil): return false
                case (nil, _): return false  // unknown values last
                case (_, nil): return true
                case (let x?, let y?):
                    let c = QueryEvaluator.compare(x, y) ?? 0
                    return desc ? c > 0 : c < 0
                }
            }
        }
        if let limit = q.limit { rows = Array(rows.prefix(limit)) }
        if session.mode == .json {
            return "[" + rows.map { HouseholdCommands.json(of: $0, session) }.joined(separator: ",") + "]\n"
        }
        let columns: [TableResult.Column] = [
            .init(key: "id", label: "户编号", numeric: false), .init(key: "village", label: "行政村", numeric: false),
            .init(key: "status", label: "状态", numeric: false), .init(key: "main_cause", label: "主要致贫原因", numeric: false),
            .init(key: "people", label: "人数", numeric: true), .init(key: "income", label: "人均纯收入(元)", numeric: true),
            .init(key: "identified_year", label: "识别年度", numeric: true), .init(key: "exit_year", label: "脱贫年度", numeric: true),
            .init(key: "monitored", label: "监测", numeric: false),
        ]
        let table = rows.map { h -> [ResultValue] in
            [.text(h.id), .text(h.village), .text(h.status.label), .text(h.mainCauseLabel), .integer(Int64(h.people)),
             h.income.map { .fen($0.perCapitaFen) } ?? .null, .integer(Int64(h.identifiedYear)),
             h.exitYear.map { .integer(Int64($0)) } ?? .null, .bool(h.monitored)]
        }
        return TableResult(columns: columns, rows: table).render(session.mode)
    }

    static func count(_ rest: String, _ session: Session) throws -> String {
        let q = try parse({ try QueryParser.parseCount(rest) }, prefix: "count".count)
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
        var columns = q.groupBy.map { TableResult.Column(key: $0.rawValue, label: $0.rawValue, numeric: false) }
        columns += [.init(key: "households", label: "households", numeric: true), .init(key: "people", label: "people", numeric: true)]
        let numericFields: Set<HouseholdField> = [.members, .identifiedYear, .exitYear]
        let rows = sorted.map { key, counts -> [ResultValue] in
            zip(q.groupBy, key).map { f, v -> ResultValue in
                if v.isEmpty { return .null }
                if numericFields.contains(f), let n = Int64(v) { return .integer(n) }
                if f == .income, let n = Double(v) { return .fen(Int64((n * 100).rounded())) }
                if f == .monitored { return .bool(v == "true") }
                return .text(v)
            } + [.integer(Int64(counts.households)), .integer(Int64(counts.people))]
        }
        return TableResult(columns: columns, rows: rows).render(session.mode)
    }
}
