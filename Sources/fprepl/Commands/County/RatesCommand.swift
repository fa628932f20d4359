import EventStore
import Projections

/// `rates [--from DATE] [--to DATE]`: 错评率, 漏评率, 错退率, 综合贫困发生率 and 群众认可度
/// of a period, with numerators and denominators (docs/metrics.md).
enum RatesCommand: ReplCommand {
    static let name = "rates"
    static let summary = "错评率, 漏评率, 错退率, 综合贫困发生率, 群众认可度 of a period (default: the latest year in the log)"
    static let usage = ["rates [--from DATE] [--to DATE]"]
    static let example = "rates --from 2016-01-01 --to 2016-12-31"
    static let reference = "错评率, 漏评率, 错退率, 综合贫困发生率 and 群众认可度 with numerators and denominators (people; households for 认可度)"

    static let from = CommandOption.date("--from", help: "the first day of the period (default: 1 January of the year --to falls in)")
    static let to = CommandOption.date("--to", help: "the last day of the period (default: the latest effective date in the log)")
    static let syntax = CommandSyntax.words([], options: [from.declaration, to.declaration],
                                            misuse: "rates takes --from DATE and --to DATE")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let store = try session.store()
        // Default: up to the latest effective date the ledger knows at the asof point.
        guard let end = try call[to] ?? session.asOf.endOfRecord(in: store) else {
            throw CommandError(session.asOf == .now ? "the store is empty: there is no period to measure"
                : "the ledger held no record at \(session.asOf): there is no period to measure")
        }
        if case .effective(let d) = session.asOf, end > d {
            throw CommandError("--to \(end) is after the asof date \(d): the ledger as of then knows nothing later (asof now, or --to \(d))")
        }
        let start = call[from] ?? EffectiveDate(year: end.year, month: 1, day: 1) ?? end
        guard start <= end else { throw CommandError("--from \(start) is after --to \(end)") }
        let r = try Rates.compute(store, from: start, to: end, asOf: session.asOf)
        // The first four count people, 群众认可度 households.
        let metrics: [(key: String, label: String, ratio: Ratio, unit: String)] = [
            ("wrong_inclusion", "错评率", r.wrongInclusion, "人"), ("omission", "漏评率", r.omission, "人"),
            ("wrong_exit", "错退率", r.wrongExit, "人"), ("composite_poverty", "综合贫困发生率", r.compositePoverty, "人"),
            ("approval", "群众认可度", r.approval, "户"),
        ]
        let columns: [TableResult.Column] = [
            .text("metric", "指标(\(start) 至 \(end))"), .number("rate", "比率"), .number("numerator", "分子"),
            .number("denominator", "分母"), .text("unit", "单位"),
        ]
        let table = TableResult(columns: columns, rows: metrics.map { m in
            [.labelled(table: m.label, plain: m.key), .rate(m.ratio.rate), .integer(Int64(m.ratio.numerator)),
             .integer(Int64(m.ratio.denominator)), .labelled(table: m.unit, plain: m.unit == "人" ? "people" : "households")]
        })
        let json = JSONValue.object(JSONObject([("from", .string(start.description)), ("to", .string(end.description))]
            + metrics.map { m in
                (m.key, .object(JSONObject([("rate", ResultValue.rate(m.ratio.rate).json),
                                            ("numerator", .integer(Int64(m.ratio.numerator))),
                                            ("denominator", .integer(Int64(m.ratio.denominator)))])))
            }))
        return .document(.table(table), json: json)
    }
}
