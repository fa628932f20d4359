import EventStore
import Projections

/// `funds FUNDID` (one fund's trail as a tree) and `funds household ID` (every payment a
/// household received, with its fund and path). See docs/funds.md.
enum FundsCommand: ReplCommand {
    static let name = "funds"
    static let summary = "a fund's trail as a tree (each unit: received, paid on, returned, held, days held) and its payments; or every payment a household received"
    static let usage = ["funds FUNDID", "funds household ID"]
    static let example = "funds 2016-001"
    static let reference = "the fund's trail as a tree: each unit's received, paid on, returned, held, days held; its payments with their paths (`funds.md`); "
        + "with `household ID`, every payment the household received: fund, document, source, paying unit, amount, purpose, path"
    static let syntax = CommandSyntax.words(
        [Word("FUNDID", completes: .all([.words(["household"]), .ids(.fund)])),
         Word("ID", completes: .ids(.household), optional: true)],
        misuse: "funds takes a fund id (funds 2016-001) or a household: funds household 5301241012010001")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let store = try session.store()
        switch call.words.count {
        case 1: return try fund(StreamCategory.fund.id(typed: call.words[0]), store, session)
        case 2 where call.words[0] == "household": return try household(call.words[1], store, session)
        default: throw call.misuse
        }
    }

    static let unitColumns: [TableResult.Column] = [
        .text("unit", "单位"), .number("received_fen", "收到(元)"), .number("paid_fen", "拨付(元)"),
        .number("returned_fen", "收回(元)"), .number("held_fen", "结存(元)"), .number("days_held", "滞留天数"),
    ]
    static let paymentColumns: [TableResult.Column] = [
        .number("position", "位置"), .text("effective", "日期"), .text("from", "拨付单位"), .text("to", "对象"),
        .number("amount_fen", "金额(元)"), .text("purpose", "用途"), .text("path", "路径"),
    ]

    static func fund(_ fundID: String, _ store: any EventLog, _ session: Session) throws -> CommandResult {
        guard let t = try FundLedger.trail(store, fund: fundID, asOf: session.asOf) else {
            throw CommandError("no fund \(echoed(fundID)): the log holds no stream \(echoed(StreamCategory.fund.stream(fundID)))")
        }
        let head = RecordResult(fields: [
            ("fund", "资金", .text(t.fund)), ("document", "文号", .text(t.document)), ("source", "资金来源", .text(t.source)),
            ("purpose", "用途", .text(t.purpose)), ("allocated", "下达日期", .text(t.allocated?.description)),
            ("allocated_fen", "下达金额(元)", .fen(t.allocatedAmount)),
        ])
        // A table shows each unit indented under the one that paid it.
        let units = TableResult(columns: unitColumns, rows: try t.units.map { u in
            [.labelled(table: String(repeating: "  ", count: u.depth) + u.unit, plain: u.unit), .fen(u.received), .fen(u.paid),
             .fen(u.returned), .fen(try u.held), .integer(Int64(u.daysHeld))]
        })
        let payments = TableResult(columns: paymentColumns, rows: t.payments.map { p in
            [.integer(Int64(p.position)), .text(p.effective.description), .text(p.from), .text(p.to), .fen(p.amount),
             .text(p.purpose), path(p.path)]
        })
        guard case .object(let fields) = head.json else { return .nothing }
        let json = JSONValue.object(JSONObject(fields.members + [("units", units.json), ("payments", payments.json)]))
        return .document(.sections([.record(head), .table(units), .table(payments)]), json: json)
    }

    /// A payment's path: a JSON array of units; `a → b → c` for people.
    static func path(_ units: [String]) -> ResultValue {
        .json(.array(units.map { .string($0) }), plain: units.joined(separator: " → "))
    }

    static func household(_ id: String, _ store: any EventLog, _ session: Session) throws -> CommandResult {
        let trails = try FundLedger.trails(store, asOf: session.asOf)
        let target = StreamCategory.household.stream(id)
        var payments: [(position: UInt64, row: [ResultValue])] = []
        for t in trails {
            for p in t.payments where p.to == target {
                payments.append((p.position, [
                    .integer(Int64(p.position)), .text(p.effective.description), .text(t.fund), .text(t.document),
                    .text(t.source), .text(p.from), .fen(p.amount), .text(p.purpose), .text(p.voucher), path(p.path),
                ]))
            }
        }
        let columns: [TableResult.Column] = [
            .number("position", "位置"), .text("effective", "日期"), .text("fund", "资金"), .text("document", "文号"),
            .text("source", "资金来源"), .text("from", "拨付单位"), .number("amount_fen", "金额(元)"), .text("purpose", "用途"),
            .text("voucher", "凭证"), .text("path", "路径"),
        ]
        return .table(TableResult(columns: columns, rows: payments.sorted { $0.position < $1.position }.map(\.row)))
    }
}
