import EventStore
import Foundation
import Testing
@testable import Projections

/// The one error type of the domain layer: what it says and where, for each kind of
/// failure that reaches a person.
@Suite struct ProjectionErrorTests {
    @Test func theDescriptionIsThePlaceThenWhatIsWrong() {
        #expect(ProjectionError.field(path: "data.village", message: "is required").description == "field data.village: is required")
        #expect(ProjectionError(.refused, "HouseholdIdentified refused: it was identified already", line: 3, field: "type").description
            == "line 3: field type: HouseholdIdentified refused: it was identified already")
        #expect(ProjectionError(.syntax, "expected a JSON value", column: 7).description == "column 7: expected a JSON value")
        #expect(ProjectionError(.io, "cannot write the snapshot", file: "/s/x.tmp", errno: ENOSPC).description
            == "/s/x.tmp: cannot write the snapshot: " + String(cString: strerror(ENOSPC)))
        #expect(ProjectionError(.undecodable, "does not decode", field: "data", position: 12).description
            == "position 12: field data: does not decode")
        let atLine = ProjectionError.field(path: "effective", message: "is required").at(line: 9)
        #expect(atLine.line == 9 && atLine.field == "effective" && atLine.code == .invalid)
        #expect(ProjectionError.Code.io != .syntax && "\(ProjectionError.Code.refused)" == "refused")
    }

    @Test func jsonThatDoesNotParseSaysItsColumn() {
        #expect(throws: ProjectionError(.syntax, "expected a quoted field name", column: 10)) { try JSONParser.parse(#"{"a": 1, ]"#) }
    }

    @Test func anImportSaysTheLineAndFieldAndTheKindOfFailure() throws {
        try withStore { store in
            func failure(_ text: String) -> ProjectionError? {
                do { _ = try Importer.run(text, store: store); return nil } catch { return error as? ProjectionError }
            }
            let notJSON = try #require(failure("{\"stream\":"))
            #expect(notJSON.code == .syntax && notJSON.line == 1 && notJSON.description.hasPrefix("line 1: not valid JSON: column "))
            let badField = try #require(failure(#"{"stream":"household-5301241012010001","type":"VisitRecorded","effective":"2016-13-01","actor":"op","data":{}}"#))
            #expect(badField.code == .invalid && badField.line == 1 && badField.field == "effective")
            let refused = try #require(failure(#"{"stream":"household-5301241012010001","type":"VisitRecorded","effective":"2016-12-01","actor":"op","data":{"cadre":"c01","kind":"入户"}}"#))
            #expect(refused.code == .refused && refused.field == "type", "\(refused)")
            #expect(store.endPosition == 0)
        }
    }

    /// A snapshot that cannot be written says which file and why, as an I/O failure
    /// (not as a field of an event).
    @Test func aSnapshotThatCannotBeWrittenSaysWhichFileAndWhy() throws {
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            let county = try CountyBuilder.build(store)
            // The temporary file's name taken by a directory: open(2) fails with EISDIR.
            try FileManager.default.createDirectory(atPath: CountySnapshot.path(for: store) + ".tmp", withIntermediateDirectories: true)
            #expect(throws: ProjectionError(.io, "cannot write the snapshot", file: CountySnapshot.path(for: store) + ".tmp", errno: EISDIR)) {
                try CountySnapshot.save(county, store: store)
            }
        }
    }

    @Test func anUnknownSampleIsNamedWithTheOnesThereAre() {
        #expect(throws: ProjectionError(.notFound, "no such sample log; the samples are household-life, inspection-county", file: "nope")) {
            try SampleLogs.text("nope")
        }
    }
}
