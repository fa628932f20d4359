import EventStore
import Foundation
import Testing
@testable import Projections

@Suite struct EvaluationSampleTests {
    func county() throws -> CountyState {
        try withStore { store in
            var generator = SyntheticCounty(.init(households: 2400, seed: 5, years: 2014...2016))
            try generator.write(into: store)
            return try CountyBuilder.build(store)
        }
    }

    @Test func threeTownsThreeBandsAndTheSameSampleForTheSameSeed() throws {
        let c = try county()
        let a = EvaluationSample.draw(c, towns: 3, villages: 3, households: 43, seed: 2017)
        #expect(a == EvaluationSample.draw(c, towns: 3, villages: 3, households: 43, seed: 2017))
        #expect(a != EvaluationSample.draw(c, towns: 3, villages: 3, households: 43, seed: 2018))
        #expect(Set(a.map(\.town)).count == 3)
        for town in Set(a.map(\.town)) {
            let picks = a.filter { $0.town == town }
            #expect(picks.map(\.band).uniqued() == ["好", "中", "差"])
            // One village per band, 43 households each, or all it has registered.
            #expect(Set(picks.map(\.village)).count == 3)
            for v in Set(picks.map(\.village)) {
                let registered = c.households.values.filter { $0.village == v && $0.status != .removed }.count
                #expect(picks.filter { $0.village == v }.count == Swift.min(43, registered))
            }
            // The bands follow the villages' incidence: 好 at most 中 at most 差.
            let rate = { (band: String) in picks.first { $0.band == band }!.villageIncidence.rate ?? 0 }
            #expect(rate("好") <= rate("中") && rate("中") <= rate("差"))
        }
        // Only registered households, never one twice.
        #expect(a.allSatisfy { c.households[$0.household].map { $0.status != .removed } ?? false })
        #expect(Set(a.map(\.household)).count == a.count)
    }

    @Test func smallerThanAskedTakesWhatThereIs() throws {
        let c = try county()
        let all = EvaluationSample.draw(c, towns: 99, villages: 99, households: 9999, seed: 1)
        let registered = c.households.values.filter { $0.status != .removed }.count
        #expect(all.count == registered, "every town, every village, every registered household")
        #expect(all.first?.band == "第1档")
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
