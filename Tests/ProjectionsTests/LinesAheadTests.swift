import EventStore
import Foundation
import Testing
@testable import Projections

/// The import's lines are parsed and encoded on another core ahead of the checks that
/// need the lines before them (``LinesAhead``): whatever the chunking, each line comes
/// out as if checked alone, and the first bad line in the file is the one reported.
@Suite struct LinesAheadTests {
    /// A line as ``LinesAhead`` hands it out, reduced to what can be compared.
    func summary(_ p: PrecheckedLine) -> String {
        var p = p
        let proposed: String
        switch p.proposed.take() {
        case .success(let e)?: proposed = "\(e.payload) \(e.metadata)"
        case .failure(let e)?: proposed = "\(e)"
        case nil: proposed = "-"
        }
        return [p.event.map { "\($0.stream) \($0.type) \($0.effective)" } ?? "-", p.failure.map { "\($0)" } ?? "-", proposed]
            .joined(separator: " | ")
    }

    @Test func everyLineComesOutAsIfCheckedAloneWhateverTheChunks() throws {
        // The sample's lines, a correction, a blank line, bad JSON, bad data, \r\n ends.
        var lines = try sampleText().split(separator: "\n").map(String.init)
        lines += ["", "{", #"{"stream":"policy-default","type":"PolicySet","effective":"2016-01-01","actor":"op","data":{"key":"nope","value":1}}"#]
        lines = (0..<5).flatMap { _ in lines }
        lines[7] += "\r"
        let text = Array(lines.joined(separator: "\n").utf8)
        text.withUnsafeBytes { bytes in
            let ranges = Importer.lines(bytes)
            #expect(ranges.count == lines.count)
            let alone = ranges.enumerated().map { summary(PrecheckedLine(UnsafeRawBufferPointer(rebasing: bytes[$1]), number: $0 + 1)) }
            #expect(alone.contains { $0.contains("empty line") } && alone.contains { $0.contains("not a policy key") })
            for chunk in [1, 2, 7, 64, 1024] {
                for ahead in [1, 3] {
                    let pipeline = LinesAhead(text: bytes, lines: ranges, chunkSize: chunk, ahead: ahead)
                    let taken = ranges.indices.map { summary(pipeline.take($0)) }
                    pipeline.stop()
                    let differs = zip(taken, alone).enumerated().first { $1.0 != $1.1 }
                    #expect(taken.count == alone.count && differs == nil,
                            "chunks of \(chunk), \(ahead) ahead: line \((differs?.offset ?? -2) + 1) is \(differs?.element.0 ?? "")")
                }
                // Stopped early, as an import stopped by a bad line: the chunks prechecked
                // ahead and never taken are let go.
                let early = LinesAhead(text: bytes, lines: ranges, chunkSize: chunk, ahead: 3)
                #expect(summary(early.take(0)) == alone[0] && summary(early.take(1)) == alone[1])
            }
        }
    }

    /// A county large enough that its lines are prechecked on the other core many chunks
    /// at a time, with faults placed where the order of the checks matters.
    @Test func theFirstBadLineInTheFileIsTheOneReportedAndNothingIsWritten() throws {
        let lines = try withStore { store -> [String] in
            var county = SyntheticCounty(.init(households: 80, seed: 5))
            try county.write(into: store)
            let records = try store.read(from: 0, maxCount: Int.max)
            return try records.map { r in try CanonicalExport.line(r, typeOfPosition: { records[Int($0)].type }) }
        }
        #expect(lines.count > 3000)
        // An expected_version that does not hold (found in order) just before a line that
        // is not JSON (found ahead, on the other core): the first is reported.
        let badVersion = #"{"stream":"village-530124101201","type":"PopulationReported","effective":"2017-12-31","actor":"op","expected_version":-1,"data":{"year":2017,"households":1,"population":1}}"#
        let badData = #"{"stream":"village-530124101201","type":"PopulationReported","effective":"2017-12-31","actor":"op","expected_version":-1,"data":{"year":2017,"households":"many","population":1}}"#
        func outcome(_ changes: [Int: String]) throws -> String {
            var file = lines
            for (k, line) in changes { file[k] = line }
            return try withStore { store in
                do {
                    let report = try Importer.run(file.joined(separator: "\n") + "\n", store: store)
                    return "imported \(report.events)"
                } catch let e as ProjectionError {
                    #expect(store.endPosition == 0, "nothing written")
                    return "\(e)"
                }
            }
        }
        #expect(try outcome([:]) == "imported \(lines.count)")
        let exists = "field expected_version: village-530124101201 exists already (version "
        let first = try outcome([2100: badVersion, 2101: "{"])
        #expect(first.hasPrefix("line 2101: \(exists)"), "\(first)")
        #expect(try outcome([2100: "{", 2101: badVersion]) == "line 2101: not valid JSON: column 2: expected a quoted field name")
        #expect(try outcome([3000: badVersion, 100: "[]"]) == "line 101: field (line): an event is a JSON object, one per line")
        // Within one line the version is checked before the data's fields, as before.
        let both = try outcome([2500: badData])
        #expect(both.hasPrefix("line 2501: \(exists)"), "\(both)")
        #expect(try outcome([2500: badData.replacingOccurrences(of: #""expected_version":-1,"#, with: "")])
                == "line 2501: field data.households: must be a number, not a string")
    }
}
