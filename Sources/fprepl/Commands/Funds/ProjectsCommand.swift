import EventStore
import Projections

/// `projects [ID]`: each project's budget, the money it received, its publicity,
/// completion, acceptance, assets and the income they distributed (docs/funds.md).
enum ProjectsCommand: ReplCommand {
    static let name = "projects"
    static let summary = "each project: village, budget, money received, publicity, completion, acceptance, assets, income distributed"
    static let usage = ["projects [ID]"]
    static let example = "projects p2016-07"
    static let reference = "each project: budget, money received, beneficiaries, notices, completion, acceptance, assets, income distributed"
    static let syntax = CommandSyntax.words([Word("ID", completes: .ids(.project), optional: true)],
                                            misuse: "projects takes nothing, or one project id: projects p2016-07")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let reading = try FundLedger.read(try session.store(), asOf: session.asOf)
        var projects = reading.projects.values.sorted { $0.id < $1.id }
        if let id = call.words.first.map({ StreamCategory.project.id(typed: $0) }) {
            projects = projects.filter { $0.id == id }
            if projects.isEmpty { throw CommandError("no project \(echoed(id)): the log holds no stream \(echoed(StreamCategory.project.stream(id)))") }
        }
        let columns: [TableResult.Column] = [
            .text("project", "项目"), .text("village", "行政村"), .text("name", "名称"), .text("kind", "类别"),
            .number("budget_fen", "预算(元)"), .number("received_fen", "到位(元)"), .number("beneficiaries", "受益户"),
            .text("publicity", "公示"), .text("completed", "完工"), .text("accepted", "验收"),
            .number("assets_fen", "资产(元)"), .number("distributed_fen", "收益分配(元)"),
        ]
        return .table(TableResult(columns: columns, rows: try projects.map { p in
            [.text(p.id), .text(p.village), .text(p.name), .text(p.kind), .fen(p.budget), .fen(p.received),
             .integer(Int64(p.beneficiaries.count)), .list(p.notices.map { "\($0.from) 至 \($0.to)" }),
             .text(p.completed?.description), .text(p.accepted?.description),
             .fen(try Fen.sum(p.assets.map(\.value))), .fen(try p.distributed)]
        }))
    }
}
