import EventStore
import Projections

/// `sample [--towns 3] [--villages 3] [--households 43] [--seed N]`: a reproducible
/// evaluation sample (seed 003's plan, docs/sources.md; docs/repl.md).
enum SampleCommand: ReplCommand {
    static let name = "sample"
    static let summary = "a reproducible evaluation sample as in seed 003: towns at random, in each one village from each band of 贫困发生率 (好, 中, 差), then households"
    static let usage = ["sample [--towns N] [--villages N] [--households N] [--seed N]"]
    static let example = "sample --towns 3 --villages 3 --households 43 --seed 2017"
    static let reference = "a reproducible evaluation sample: towns at random, in each one village from each band of 贫困发生率 (好, 中, 差), then households at random"

    static let towns = CommandOption.wholeNumber("--towns", help: "how many towns (default 3)")
    static let villages = CommandOption.wholeNumber("--villages", help: "how many villages in each town (default 3: one from each band)")
    static let households = CommandOption.wholeNumber("--households", help: "how many households in each village (default 43)")
    static let seed = CommandOption.wholeNumber("--seed", help: "the draw's seed: the same seed draws the same sample (default 1)")
    static let syntax = CommandSyntax.words(
        [], options: [towns.declaration, villages.declaration, households.declaration, seed.declaration],
        misuse: "sample takes --towns N, --villages N, --households N and --seed N (whole numbers)")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let towns = Int(clamping: call[Self.towns] ?? 3), villages = Int(clamping: call[Self.villages] ?? 3)
        let households = Int(clamping: call[Self.households] ?? 43)
        guard towns > 0, villages > 0, households > 0 else { throw CommandError("sample: --towns, --villages and --households take at least 1") }
        let county = try session.county()
        let picks = EvaluationSample.draw(county, towns: towns, villages: villages, households: households, seed: call[Self.seed] ?? 1)
        let columns: [TableResult.Column] = [
            .text("town", "乡镇"), .text("village", "行政村"), .text("band", "好中差"), .number("poverty_incidence", "贫困发生率"),
            .text("household", "户编号"), .text("status", "状态"), .text("main_cause", "主要致贫原因"), .number("people", "人数"),
        ]
        return .table(TableResult(columns: columns, rows: picks.map { p in
            let h = county.households[p.household]
            return [.text(p.town), .text(p.village), .text(p.band), .rate(p.villageIncidence.rate), .text(p.household),
                    .text(h?.status.label ?? ""), .text(h?.mainCauseLabel ?? ""), .integer(Int64(h?.people ?? 0))]
        }))
    }
}
