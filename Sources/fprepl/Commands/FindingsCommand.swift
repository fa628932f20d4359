import EventStore
import Projections

/// `findings [RULE...]`: what an inspection flags, as of the asof point (docs/findings.md).
enum FindingsCommand {
    static func run(_ args: [String], _ session: Session) throws -> String {
        let known = FindingRules.evaluated.map(\.id)
        if args.contains("where") {
            throw CommandError("findings: where is not supported yet; name rules to choose them: " + known.joined(separator: ", "))
        }
        for rule in args where !known.contains(rule) {
            if FindingRules.pending.contains(rule) {
                throw CommandError("findings: the rule \(rule) is not evaluated yet; evaluated: " + known.joined(separator: ", "))
            }
            throw CommandError("findings: unknown rule '\(rule)'; rules: " + known.joined(separator: ", "))
        }
        let store = try HouseholdCommands.openForReading(session)
        let county = try session.county()
        let reading = try VerificationCommands.storeCall { try FundLedger.read(store, asOf: session.asOf) }
        let chosen = Set(args.isEmpty ? known : args)
        let findings = FindingRules.funds(reading, policy: county.policy(on:)).filter { chosen.contains($0.rule) }
        let columns: [TableResult.Column] = [
            .init(key: "rule", label: "规则", numeric: false), .init(key: "stream", label: "流", numeric: false),
            .init(key: "position", label: "位置", numeric: true), .init(key: "effective", label: "日期", numeric: false),
            .init(key: "detail", label: "说明", numeric: false),
        ]
        return TableResult(columns: columns, rows: findings.map { f in
            [.text(f.rule), .text(f.stream), .integer(Int64(f.position)), .text(f.effective.description), .text(f.detail)]
        }).render(session.mode)
    }
}
