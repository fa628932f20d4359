import EventStore
import Projections

/// `projects [ID]`: each project's budget, the money it received, its publicity,
/// completion, acceptance, assets and the income they distributed (docs/funds.md).
enum ProjectsCommand {
    static func run(_ args: [String], _ session: Session) throws -> String {
        guard args.count <= 1 else { throw CommandError("projects takes nothing, or one project id: projects p2016-07") }
        let store = try HouseholdCommands.openForReading(session)
        let reading = try VerificationCommands.storeCall { try FundLedger.read(store, asOf: session.asOf) }
        var projects = reading.projects.values.sorted { $0.id < $1.id }
        if let id = args.first.map({ $0.hasPrefix("project-") ? String($0.dropFirst(8)) : $0 }) {
            projects = projects.filter { $0.id == id }
            if projects.isEmpty { throw CommandError("no project \(id): the stream project-\(id) is empty") }
        }
        let columns: [TableResult.Column] = [
            .init(key: "project", label: "项目", numeric: false), .init(key: "village", label: "行政村", numeric: false),
            .init(key: "name", label: "名称", numeric: false), .init(key: "kind", label: "类别", numeric: false),
            .init(key: "budget_fen", label: "预算(元)", numeric: true), .init(key: "received_fen", label: "到位(元)", numeric: true),
            .init(key: "beneficiaries", label: "受益户", numeric: true), .init(key: "publicity", label: "公示", numeric: false),
            .init(key: "completed", label: "完工", numeric: false), .init(key: "accepted", label: "验收", numeric: false),
            .init(key: "assets_fen", label: "资产(元)", numeric: true), .init(key: "distributed_fen", label: "收益分配(元)", numeric: true),
        ]
        return TableResult(columns: columns, rows: projects.map { p in
            let notices = p.notices.map { "\($0.from) 至 \($0.to)" }
            return [.text(p.id), .text(p.village), .text(p.name), .text(p.kind), .fen(p.budgetFen), .fen(p.receivedFen),
                    .integer(Int64(p.beneficiaries.count)), .list(notices),
                    p.completed.map { .text($0.description) } ?? .null, p.accepted.map { .text($0.description) } ?? .null,
                    .fen(p.assets.reduce(0) { $0 + $1.valueFen }), .fen(p.distributedFen)]
        }).render(session.mode)
    }
}
