import Foundation
import Testing
@testable import EventStore

/// `docs/format.md` shows one record byte for byte; this test encodes the same record
/// and compares, so the page cannot drift from the code.
@Suite struct FormatDocumentationTests {
    @Test func theDocumentedRecordIsWhatTheEncoderWrites() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/format.md"), encoding: .utf8)
        let section = try #require(page.components(separatedBy: "### Example").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        var documented: [UInt8] = []
        for line in block.split(separator: "\n") {
            // Hex pairs up to the first word that is not one (the annotations).
            for word in line.split(separator: " ") {
                guard word.count == 2, let b = UInt8(word, radix: 16) else { break }
                documented.append(b)
            }
        }
        let event = ProposedEvent(type: "VisitRecorded", effective: try #require(EffectiveDate("2016-12-20")),
                                  actor: "op-1", payload: [1, 2, 3])
        let encoded = RecordFrame.encoded(position: 0, stream: "household-1", version: 0,
                                          recorded: 1_482_192_000_000_000, event: event, commit: true)
        #expect(documented == encoded, "docs/format.md shows \(hex(documented)); the encoder writes \(hex(encoded))")
    }

    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined(separator: " ") }
}
