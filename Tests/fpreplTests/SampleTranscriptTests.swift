import Foundation
import Testing

@Suite struct SampleTranscriptTests {
    @Test func aSampleIsReproducibleAndItsOptionsChecked() throws { try withSample { dir in
        let args = ["--store", dir, "--format", "json", "-c", "sample --towns 1 --villages 3 --households 43 --seed 7"]
        let a = try fprepl(args), b = try fprepl(args)
        #expect(a.status == 0 && a.out == b.out, "\(a.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as? [[String: Any]])
        // The sample county has one village with one registered household (0002 was removed).
        #expect(rows.count == 1)
        #expect(Set(rows[0].keys) == ["town", "village", "band", "poverty_incidence", "household", "status", "main_cause", "people"])
        #expect(rows[0]["household"] as? String == "5301241012010001" && rows[0]["band"] as? String == "第1档")
        for (bad, message) in [("sample --towns", "error: sample: --towns takes a whole number below 10^15\n"),
                               ("sample --towns -1", "error: sample: --towns takes a whole number below 10^15\n"),
                               ("sample --households 0", "error: sample: --towns, --villages and --households take at least 1\n"),
                               ("sample --size 3", "error: sample: unknown option --size; options: --towns, --villages, --households, --seed\n")] {
            let r = try fprepl(["--store", dir, "-c", bad])
            #expect(r.status == 1 && r.out == "" && r.err == message, "\(bad): \(r.err)")
        }
    } }
}
