import EventStore
import Projections

/// `exit-check ID`: the exit dossier of the household's latest exit.
enum ExitCheckCommand: ReplCommand {
    static let name = "exit-check"
    static let summary = "the exit dossier: the line of the exit year, income, 两不愁三保障, procedure steps, verdict"
    static let usage = ["exit-check ID"]
    static let example = "exit-check 5301241012010001"
    static let reference = "the exit dossier of the latest exit: line, income, 两不愁三保障, procedure, verdict"
    static let syntax = CommandSyntax.words([.household], misuse: "exit-check takes one household id: exit-check 5301241012010001")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let id = call.words[0]
        let events = try HouseholdView.events(id, session)
        let county = try session.county()
        // The policy on the exit date, whatever the asof point.
        guard let probe = try ExitDossier.build(id: id, events: events, asOf: session.asOf, policy: county.policy) else {
            throw CommandError("household \(id) has no exit (脱贫退出) as of \(session.asOf)")
        }
        let d = try ExitDossier.build(id: id, events: events, asOf: session.asOf, policy: county.policy(on: probe.exitedOn)) ?? probe
        let json = JSONValue.object(JSONObject([
            ("household", .string(d.household)), ("exit_year", .integer(Int64(d.exitYear))),
            ("line_fen", d.line.map { .integer($0.value) } ?? .null), ("income_fen", d.income.map { .integer($0.value) } ?? .null),
            ("guarantees_ok", .bool(d.guaranteesOK)), ("procedure_ok", .bool(d.procedureOK)),
            ("missing_steps", .array(d.missingSteps.map { .string($0) })),
            ("verdict", .string(d.verdictOK ? "ok" : "failed")),
        ]))
        return .document(.record(dossier(d)), json: json)
    }

    /// The dossier for people: each check with ✓ or ✗ and its evidence.
    static func dossier(_ d: ExitDossier) -> RecordResult {
        let mark: (Bool) -> String = { $0 ? "✓" : "✗" }
        var lines: [(key: String, label: String, value: ResultValue)] = [
            ("household", "户编号", .text(d.household)),
            ("exit", "脱贫退出", .text("\(d.exitYear)年，\(d.exitedOn) 批准 (#\(d.exitPosition))")),
            ("line", "当年标准", .text(d.line.map { $0.yuan + " 元" + (d.lineConfirmed ? "" : "（未经核实的数字）") } ?? "无该年标准")),
            ("income", "人均纯收入", .text(d.income.map { "\(mark(d.incomeOK)) " + $0.yuan + " 元（\(d.incomeYear ?? 0)年核算）" }
                                        ?? "✗ 退出前无当年或上年收入核算")),
            ("guarantees", "两不愁三保障", .text(d.guaranteesOK ? "✓ \(d.guaranteesDate?.description ?? "") 核查通过"
                                              : "✗ " + (d.guaranteesDate.map { "\($0) 核查未通过" } ?? "退出前12个月内无核查"))),
        ]
        let stepKeys = ["appraised", "verified", "consent", "village_notice", "announced"]
        for (k, s) in d.steps.enumerated() {
            let key = k < stepKeys.count ? stepKeys[k] : "step_\(k)"
            lines.append((key, s.name, .text("\(mark(s.ok)) \(s.date ?? "缺")" + (s.required ? "" : "（参考）"))))
        }
        lines.append(("verdict", "结论", .text(d.verdictOK ? "ok 符合退出标准" : "failed 不符合：" + failures(d).joined(separator: "；"))))
        return RecordResult(fields: lines)
    }

    static func failures(_ d: ExitDossier) -> [String] {
        var out: [String] = []
        if !d.incomeOK { out.append(d.income == nil ? "无收入核算" : "收入低于标准") }
        if !d.guaranteesOK { out.append("两不愁三保障未达标") }
        if !d.procedureOK { out.append("程序缺：" + d.missingSteps.joined(separator: "、")) }
        return out
    }
}
