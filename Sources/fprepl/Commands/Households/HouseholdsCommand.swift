import EventStore
import Projections

/// `households [where EXPR] [order by FIELD [desc]] [limit N]`: rows of the household
/// projection.
enum HouseholdsCommand: ReplCommand {
    static let name = "households"
    static let summary = "rows of the household projection: households [where EXPR] [order by FIELD [desc]] [limit N]"
    static let usage = ["households [where EXPR] [order by FIELD [desc]] [limit N]"]
    static let example = "households where status = 返贫 and cause = 因病 order by income limit 10"
    static let reference = "rows of the household projection"
    static let syntax = CommandSyntax.text { done, word, _ in Completion.queryWords(done, word: word) }

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let q = try HouseholdQuery.parsed({ try QueryParser.parseHouseholds(call.rest, villages: session.villagesForQuery) }, prefix: name.count + session.commandColumn - 1)
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
        let columns: [TableResult.Column] = [
            .text("id", "户编号"), .text("village", "行政村"), .text("status", "状态"), .text("main_cause", "主要致贫原因"),
            .number("people", "人数"), .number("income", "人均纯收入(元)"), .number("identified_year", "识别年度"),
            .number("exit_year", "脱贫年度"), .text("monitored", "监测"),
        ]
        let table = TableResult(columns: columns, rows: rows.map { h in
            [.text(h.id), .text(h.village), .text(h.status.label), .text(h.mainCauseLabel), .integer(Int64(h.people)),
             .fen(h.income?.perCapita), .integer(Int64(h.identifiedYear)), .integer(h.exitYear), .bool(h.monitored)]
        })
        // Scripts get every field of each household (the `household` keys of docs/repl.md).
        return .document(.table(table), json: .array(rows.map { HouseholdView.record($0, session).json }))
    }
}
