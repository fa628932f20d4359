/// A reproducible evaluation sample in the way of seed 003's assessment plan
/// (`docs/sources.md`): "随机抽取3个乡(镇),每个乡(镇)随机抽取3个村", "做到好、中、差各抽1个村",
/// "每个村抽取农户不少于43户" (`sample`, `docs/repl.md`).
///
/// Towns are drawn at random; each town's villages are ranked by 贫困发生率 at the point
/// (lowest first, ties by code) and cut into as many equal bands as villages are wanted
/// (three: 好, 中, 差), one village drawn from each band; in each village, households are
/// drawn at random from its registered (not removed) households, all of them when it has
/// fewer. Every draw uses one SplitMix64 stream from the seed, over inputs sorted by
/// code, so the same seed and the same county give the same sample.
public enum EvaluationSample {
    public struct Pick: Sendable, Equatable {
        public var town: String
        public var village: String
        /// 好, 中 or 差 for three bands; 第k档 otherwise.
        public var band: String
        public var villageIncidence: Ratio
        public var household: String
    }

    public static func draw(_ county: CountyState, towns: Int, villages: Int, households: Int, seed: UInt64) -> [Pick] {
        var rng = SplitMix64(seed: seed)
        let areas = Statistics.areas(county, by: .village)
        var byTown: [String: [AreaStatistics]] = [:]
        for a in areas { byTown[String(a.code.prefix(9)), default: []].append(a) }
        var registered: [String: [String]] = [:]
        for (id, h) in county.households where h.status != .removed { registered[h.village, default: []].append(id) }

        var out: [Pick] = []
        for town in draw(byTown.keys.sorted(), count: towns, &rng).sorted() {
            // Lowest incidence first: the first band is the best off.
            let ranked = (byTown[town] ?? []).sorted {
                ($0.incidence.rate ?? 0, $0.code) < ($1.incidence.rate ?? 0, $1.code)
            }
            let bands = min(villages, ranked.count)
            for b in 0..<bands {
                let lower = b * ranked.count / bands, upper = (b + 1) * ranked.count / bands
                guard let v = draw(Array(ranked[lower..<upper]), count: 1, &rng).first else { continue }
                let label = bands == 3 ? ["好", "中", "差"][b] : "第\(b + 1)档"
                for h in draw((registered[v.code] ?? []).sorted(), count: households, &rng).sorted() {
                    out.append(Pick(town: town, village: v.code, band: label, villageIncidence: v.incidence, household: h))
                }
            }
        }
        return out
    }

    /// `count` items drawn without replacement (a partial Fisher-Yates shuffle).
    static func draw<T>(_ items: [T], count: Int, _ rng: inout SplitMix64) -> [T] {
        var a = items
        let n = min(count, a.count)
        for i in 0..<n { a.swapAt(i, rng.int(i...(a.count - 1))) }
        return Array(a.prefix(n))
    }
}
