import EventStore
import Projections

/// `funds FUNDID` (one fund's trail as a tree) and `funds household ID` (every payment a
/// household received, with its fund and path). See docs/funds.md.
enum FundCommands {
    static let usage = "funds takes a fund id (funds 2016-001) or a household: funds household 5301241012010001"

    static func run(_ args: [String], _ session: Session) throws -> String {
        let store = try HouseholdCommands.openForReading(session)
        switch args.count {
        case 1: return try fund(args[0], store, session)
        case 2 where args[0] == "household": return try household(args[1], store, session)
        default: throw CommandError(usage)
        }
    }

    static func fund(_ id: String, _ store: any EventLog, _ session: Session) throws -> String {
        let fundID = id.hasPrefix("fund-") ? String(id.dropFirst(5)) : id
        guard let t = try VerificationCommands.storeCall({ try FundLedger.trail(store, fund: fundID, asOf: session.asOf) }) else {
            throw CommandError("no fund \(fundID): the stream fund-\(fundID) is empty")
        }
        let unitColumns: [TableResult.Column] = [
            .init(key: "unit", label: "单位", numeric: false), .init(key: "received_fen", label: "收到(元)", numeric: true),
            .init(key: "paid_fen", label: "拨付(元)", numeric: true), .init(key: "returned_fen", label: "收回(元)", numeric: true),
            .init(key: "held_fen", label: "结存(元)", numeric: true), .init(key: "days_held", label: "滞留天数", numeric: true),
        ]
        let paymentColumns: [TableResult.Column] = [
            .init(key: "position", label: "位置", numeric: true), .init(key: "effective", label: "日期", numeric: false),
            .init(key: "from", label: "拨付单位", numeric: false), .init(key: "to", label: "对象", numeric: false),
            .init(key: "amount_fen", label: "金额(元)", numeric: true), .init(key: "purpose", label: "用途", numeric: false),
            .init(key: "path", label: "路径", numeric: false),
        ]
        func unitRow(_ u: FundTrail.UnitBalance, indent: Bool) -> [ResultValue] {
            [.text((indent ? String(repeating: "  ", count: u.depth) : "") + u.unit), .fen(u.receivedFen), .fen(u.paidFen),
             .fen(u.returnedFen), .fen(u.heldFen), .integer(Int64(u.daysHeld))]
        }
        func paymentRow(_ p: FundTrail.FundPayment) -> [ResultValue] {
            [.integer(Int64(p.position)), .text(p.effective.description), .text(p.from), .text(p.to), .fen(p.amountFen),
             .text(p.purpose), pathValue(p.path)]
        }
        if session.mode == .json {
            let units = TableResult(columns: unitColumns, rows: t.units.map { unitRow($0, indent: false) }).render(.json)
            let payments = TableResult(columns: paymentColumns, rows: t.payments.map(paymentRow)).render(.json)
            return "{\"fund\":\(jsonQuote(t.fund)),\"document\":\(jsonQuote(t.document)),\"source\":\(jsonQuote(t.source)),"
                + "\"purpose\":\(jsonQuote(t.purpose)),\"allocated\":\(t.allocated.map { jsonQuote($0.description) } ?? "null"),"
                + "\"allocated_fen\":\(t.allocatedFen),\"units\":\(units.dropLast()),\"payments\":\(payments.dropLast())}\n"
        }
        let head = RecordResult(fields: [
            ("fund", "资金", .text(t.fund)), ("document", "文号", .text(t.document)), ("source", "资金来源", .text(t.source)),
            ("purpose", "用途", .text(t.purpose)), ("allocated", "下达日期", .text(t.allocated?.description ?? "")),
            ("allocated_fen", "下达金额(元)", .fen(t.allocatedFen)),
        ]).render(session.mode)
        let units = TableResult(columns: unitColumns, rows: t.units.map { unitRow($0, indent: session.mode == .table) })
        let payments = TableResult(columns: paymentColumns, rows: t.payments.map(paymentRow))
        return head + "\n" + units.render(session.mode) + "\n" + payments.render(session.mode)
    }

    /// A payment's path: a JSON array of units; `a → b → c` for people.
    static func pathValue(_ path: [String]) -> ResultValue {
        .raw(json: "[" + path.map(jsonQuote).joined(separator: ",") + "]", plain: path.joined(separator: " → "))
    }

    static func household(_ id: String, _ store: any EventLog, _ session: Session) throws -> String {
        let trails = try VerificationCommands.storeCall { try FundLedger.trails(store, asOf: session.asOf) }
        let target = "household-" + id
        var payments: [(position: UInt64, row: [ResultValue])] = []
        for t in trails {
            for p in t.payments where p.to == target {
                payments.append((p.position, [
                    .integer(Int64(p.position)), .text(p.effective.description), .text(t.fund), .text(t.document),
                    .text(t.source), .text(p.from), .fen(p.amountFen), .text(p.purpose), .text(p.voucher),
                    pathValue(p.path),
                ]))
            }
        }
        let rows = payments.sorted { $0.position < $1.position }.map(\.row)
        let columns: [TableResult.Column] = [
            .init(key: "position", label: "位置", numeric: true), .init(key: "effective", label: "日期", numeric: false),
            .init(key: "fund", label: "资金", numeric: false), .init(key: "document", label: "文号", numeric: false),
            .init(key: "source", label: "资金来源", numeric: false), .init(key: "from", label: "拨付单位", numeric: false),
            .init(key: "amount_fen", label: "金额(元)", numeric: true), .init(key: "purpose", label: "用途", numeric: false),
            .init(key: "voucher", label: "凭证", numeric: false), .init(key: "path", label: "路径", numeric: false),
        ]
        return TableResult(columns: columns, rows: rows).render(session.mode)
    }
}
