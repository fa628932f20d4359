import EventStore
import Projections

/// `sample [--towns 3] [--villages 3] [--households 43] [--seed N]`: a reproducible
/// evaluation sample (seed 003's plan; docs/repl.md).
enum SampleCommand {
    static let usage = "sample takes --towns N, --villages N, --households N and --seed N (whole numbers)"

    static func run(_ args: [String], _ session: Session) throws -> String {
        var towns = 3, villages = 3, households = 43
        var seed: UInt64 = 1
        var rest = args[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let n = UInt64(value) else {
                throw CommandError(flag.hasPrefix("--") ? "sample: \(flag) takes a whole number" : usage)
            }
            switch flag {
            case "--towns": towns = Int(clamping: n)
            case "--villages": villages = Int(clamping: n)
            case "--households": households = Int(clamping: n)
            case "--seed": seed = n
            default: throw CommandError("sample: unknown option \(flag); options: --towns, --villages, --households, --seed")
            }
        }
        guard towns > 0, villages > 0, households > 0 else { throw CommandError("sample: --towns, --villages and --households take at least 1") }
        let county = try session.county()
        let picks = EvaluationSample.draw(county, towns: towns, villages: villages, households: households, seed: seed)
        let columns: [TableResult.Column] = [
            .init(key: "town", label: "乡镇", numeric: false), .init(key: "village", label: "行政村", numeric: false),
            .init(key: "band", label: "好中差", numeric: false), .init(key: "poverty_incidence", label: "贫困发生率", numeric: true),
            .init(key: "household", label: "户编号", numeric: false), .init(key: "status", label: "状态", numeric: false),
            .init(key: "main_cause", label: "主要致贫原因", numeric: false), .init(key: "people", label: "人数", numeric: true),
        ]
        return TableResult(columns: columns, rows: picks.map { p in
            let h = county.households[p.household]
            return [.text(p.town), .text(p.village), .text(p.band), .rate(p.villageIncidence.rate), .text(p.household),
                    .text(h?.status.label ?? ""), .text(h?.mainCauseLabel ?? ""), .integer(Int64(h?.people ?? 0))]
        }).render(session.mode)
    }
}
