import Foundation
import Testing

@Suite struct CountyTranscriptTests {
    @Test func ratesAndStatsOfTheSample() throws {
        try withStore { dir in
            _ = try fprepl(["--store", dir, "-c", "import \(sampleLog)"])
            let rates = try fprepl(["--store", dir, "--format", "json", "-c", "rates --from 2017-01-01 --to 2017-12-31"])
            // 2017: household 0002 (1 person of 4 registered) removed; 0001 (3 people, every exited person) returned wrongly.
            #expect(rates.out == #"{"from":"2017-01-01","to":"2017-12-31","wrong_inclusion":{"rate":0.25,"numerator":1,"denominator":4},"omission":{"rate":0.0,"numerator":0,"denominator":1638},"wrong_exit":{"rate":1.0,"numerator":3,"denominator":3},"composite_poverty":{"rate":0.002436,"numerator":4,"denominator":1642},"approval":{"rate":null,"numerator":0,"denominator":0}}"# + "\n")
            let table = try fprepl(["--store", dir, "-c", "rates --from 2017-01-01 --to 2017-12-31"])
            #expect(table.out.contains("错评率                           25.00%     1     4  人\n"))
            #expect(table.out.contains("群众认可度                            -     0     0  户\n"))
            // 2016: household 0001's survey of 2016-12-25 agrees.
            let surveyed = try fprepl(["--store", dir, "-c", "rates --from 2016-01-01 --to 2016-12-31"])
            #expect(surveyed.out.contains("群众认可度                      100.00%     1     1  户\n"), "\(surveyed.out)")
            let stats = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-06-30; stats by town"])
            #expect(stats.out == #"{"asof":"effective 2016-06-30"}"# + "\n" + #"[{"area":"530124101","name":"永定镇","households":2,"people":4,"poor_households":2,"poor_people":4,"rural_population":1630,"poverty_incidence":0.002454,"causes":[{"cause":"因病","households":1,"share":0.5},{"cause":"缺技术","households":1,"share":0.5}],"exits_by_year":{}}]"# + "\n")
            let bad = try fprepl(["--store", dir, "-c", "stats by province\nrates --from 2018-01-01 --to 2017-01-01"])
            #expect(bad.err == "error: stats takes: by county | by town | by village\nerror: --from 2018-01-01 is after --to 2017-01-01\n")
        }
    }
}
