import Foundation
import Testing
@_spi(Testing) @testable import EventStore

@Suite struct EventStoreRoundTripTests {
    @Test func emptyStoreHasNothingAndReopensEmpty() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/store"
            do {
                let store = try EventStore.open(path)
                #expect(store.lastPosition == nil)
                #expect(try allRecords(store).isEmpty)
                #expect(try store.readStream("household-1").isEmpty)
                #expect(try store.streamVersion("household-1") == nil)
                let s = store.status()
                #expect(s.events == 0 && s.streams == 0 && s.segments == 1 && s.lastPosition == nil)
                try store.close()
            }
            let again = try EventStore.open(path)
            #expect(again.endPosition == 0)
            #expect(again.recovery == EventStore.RecoveryReport())
        }
    }

    /// Each field a record cannot hold is refused by name before anything is written,
    /// one write among good ones refusing the whole batch.
    @Test func whatARecordCannotHoldIsRefusedByName() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            let long = String(repeating: "x", count: 70_000)
            func refusal(_ e: ProposedEvent, stream: String = "household-1") -> String {
                let result = Result {
                    try store.append([StreamWrite(stream: "household-0", events: [event(0)]),
                                      StreamWrite(stream: stream, events: [event(1), e])])
                }
                switch result {
                case .success: return "accepted"
                case .failure(let error): return (error as? StoreError)?.message ?? "\(error)"
                }
            }
            #expect(refusal(event(2), stream: "") == "stream name is empty")
            #expect(refusal(event(2), stream: long) == "stream name is 70000 bytes; at most 65535")
            #expect(refusal(ProposedEvent(type: "", effective: day, actor: "op", payload: [])) == "event type is empty")
            #expect(refusal(ProposedEvent(type: long, effective: day, actor: "op", payload: [])) == "event type is 70000 bytes; at most 65535")
            #expect(refusal(ProposedEvent(type: "T", effective: day, actor: long, payload: [])) == "actor is 70000 bytes; at most 65535")
            #expect(refusal(ProposedEvent(type: "T", effective: day, actor: "op", correlation: long, payload: []))
                    == "correlation is 70000 bytes; at most 65535")
            #expect(refusal(ProposedEvent(type: "T", effective: day, actor: "op", metadata: Array(repeating: 1, count: 70_000), payload: []))
                    == "metadata is 70000 bytes; at most 65535")
            let huge = ProposedEvent(type: "T", effective: day, actor: "op", payload: Array(repeating: 7, count: 64 << 20))
            #expect(refusal(huge) == "event of type T is \(40 + 11 + 1 + 2 + (64 << 20)) bytes; a record holds at most \(64 << 20)")
            #expect(store.endPosition == 0, "nothing of a refused batch is written")
            // An empty correlation is a correlation, and fits.
            #expect(refusal(ProposedEvent(type: "T", effective: day, actor: "op", correlation: "", payload: [])) == "accepted")
            #expect(store.endPosition == 3)
        }
    }

    @Test func appendedRecordsReadBackFieldForField() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            let r1 = try store.append([event(0, type: "HouseholdIdentified", correlation: "import-7"), event(1)],
                                      to: "household-5301241012010001", expected: .noStream)
            #expect(r1.positions == 0..<2)
            #expect(r1.lastVersions == ["household-5301241012010001": 1])
            let r2 = try store.append([event(2, type: "FundAllocated")], to: "fund-2016-001")
            #expect(r2.positions == 2..<3)
            let records = try allRecords(store)
            #expect(records.map(\.position) == [0, 1, 2])
            #expect(records.map(\.version) == [0, 1, 0])
            #expect(records[0].stream == "household-5301241012010001")
            #expect(records[0].type == "HouseholdIdentified")
            #expect(records[0].correlation == "import-7")
            #expect(records[1].correlation == nil)
            #expect(records[0].payload == event(0).payload)
            #expect(records[0].metadata.isEmpty)
            #expect(records[0].effective == day)
            #expect(records[0].actor == "op-0")
            #expect(records[0].recorded <= records[1].recorded && records[1].recorded <= records[2].recorded)
            #expect(try store.record(at: 2).type == "FundAllocated")
            #expect(throws: StoreError.self) { try store.record(at: 3) }
            try store.close()
            let reopened = try EventStore.open(dir)
            #expect(try allRecords(reopened) == records)
            #expect(try reopened.readStream("household-5301241012010001").map(\.position) == [0, 1])
        }
    }

    /// A stream read back has each event's own type and actor, though reading reuses
    /// the strings a stream repeats: types of one length that differ, more types than it
    /// keeps (16), in sealed segments and the active one.
    @Test func aStreamReadsBackEveryTypeAndActorAsWritten() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            let types = (0..<40).map { "Type\($0 % 2 == 0 ? "A" : "B")\($0 % 20)" }
            for (i, type) in types.enumerated() {
                _ = try store.append([event(i, type: type)], to: i % 3 == 0 ? "household-X" : "household-Y")
            }
            for stream in ["household-X", "household-Y"] {
                let read = try store.readStream(stream)
                let written = types.indices.filter { ($0 % 3 == 0) == (stream == "household-X") }
                #expect(read.map(\.type) == written.map { types[$0] })
                #expect(read.map(\.actor) == written.map { "op-\($0 % 10)" })
                #expect(read.allSatisfy { $0.stream == stream })
            }
        }
    }

    @Test func metadataTravelsBesideThePayload() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 1024))
            var e = event(0)
            e.metadata = Array("陇开组〔2016〕31号".utf8)
            for _ in 0..<20 { _ = try store.append([e, event(1)], to: "household-1") }
            let records = try allRecords(store)
            #expect(records.count == 40)
            #expect(records.allSatisfy { $0.position % 2 == 0 ? $0.metadata == e.metadata : $0.metadata.isEmpty })
            #expect(records.allSatisfy { $0.payload == ($0.position % 2 == 0 ? e.payload : event(1).payload) })
            #expect(try store.readStream("household-1", from: 38).first?.metadata == e.metadata)
            e.metadata = [UInt8](repeating: 1, count: 70_000)
            #expect(throws: StoreError.self) { try store.append([e], to: "household-1") }
        }
    }

    @Test func chineseTextAndEmptyPayloadsSurvive() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            let e = ProposedEvent(type: "ExitApproved", effective: day, actor: "陇川县扶贫办-操作员", correlation: "",
                                  payload: [])
            _ = try store.append([e], to: "household-因病-户")
            let r = try #require(try allRecords(store).first)
            #expect(r.actor == "陇川县扶贫办-操作员")
            #expect(r.stream == "household-因病-户")
            #expect(r.correlation == "")
            #expect(r.payload.isEmpty)
        }
    }

    @Test func roundTripAcrossManySegmentBoundaries() throws {
        try withTemporaryDirectory { dir in
            var written: [RecordedEvent] = []
            do {
                let store = try EventStore.open(dir, configuration: config(segmentSize: 4096))
                for i in 0..<600 {
                    let stream = "household-\(i % 13)"
                    let r = try store.append([event(i, payloadSize: i % 97)], to: stream)
                    #expect(r.positions == UInt64(i)..<UInt64(i + 1))
                }
                written = try allRecords(store)
                #expect(written.count == 600)
                #expect(try segmentFiles(dir).count > 10)
                // Reading from every position gives the suffix.
                for p in stride(from: 0, to: 600, by: 37) {
                    #expect(try store.read(from: UInt64(p), maxCount: 5).map(\.position) == (p..<min(600, p + 5)).map(UInt64.init))
                }
                try store.close()
            }
            let reopened = try EventStore.open(dir, configuration: config(segmentSize: 4096))
            #expect(try allRecords(reopened) == written)
            #expect(reopened.status().streams == 13)
            #expect(reopened.status().events == 600)
            _ = try reopened.append([event(600)], to: "household-0")
            #expect(try reopened.streamVersion("household-0") == 47)
        }
    }

    @Test func recordsThatExactlyFillASegment() throws {
        try withTemporaryDirectory { dir in
            // Each record here is frame 8 + body 40 + stream 11 + type 13 + actor 4 + payload 20 = 96 bytes.
            let e = ProposedEvent(type: "VisitRecorded", effective: day, actor: "op-1", payload: [UInt8](repeating: 7, count: 20))
            let probe = RecordFrame.encoded(position: 0, stream: "household-1", version: 0, recorded: 0, event: e, commit: true)
            #expect(probe.count == 96)
            let segmentSize = SegmentHeader.size + 10 * probe.count
            let store = try EventStore.open(dir, configuration: config(segmentSize: segmentSize))
            for _ in 0..<10 { _ = try store.append([e], to: "household-1") }
            #expect(try segmentFiles(dir).count == 1)
            #expect(try fileSize(dir + "/" + segmentFiles(dir)[0]) == segmentSize)
            _ = try store.append([e], to: "household-1")
            #expect(try segmentFiles(dir) == ["00000000000000000000.seg", "00000000000000000010.seg"])
            #expect(try fileSize(dir + "/00000000000000000000.seg") == segmentSize)
            #expect(try allRecords(store).map(\.version) == Array(0...10))
            try store.close()
            let reopened = try EventStore.open(dir, configuration: config(segmentSize: segmentSize))
            #expect(try reopened.readStream("household-1").count == 11)
        }
    }

    @Test func recordsLargerThanTheReadBuffer() throws {
        try withTemporaryDirectory { dir in
            let big = 5 << 20  // the active segment is read in 4 MiB chunks
            let store = try EventStore.open(dir, configuration: config(segmentSize: 8 << 20))
            _ = try store.append([event(1), event(2, payloadSize: big), event(3)], to: "project-1")
            var records = try allRecords(store)
            #expect(records.map(\.payload.count) == [9, big, 9])
            #expect(records[1].payload == event(2, payloadSize: big).payload)
            // Seal it, and read it again from the sealed, mapped segment.
            _ = try store.append([event(4, payloadSize: big)], to: "project-1")
            #expect(try segmentFiles(dir).count == 2)
            records = try allRecords(store)
            #expect(records.map(\.payload.count) == [9, big, 9, big])
            #expect(try store.readStream("project-1", from: 1, maxCount: 1).first?.payload.count == big)
        }
    }

    @Test func oneBatchIsNeverSplitAcrossSegments() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 1024))
            _ = try store.append([event(0)], to: "a")
            _ = try store.append((1...40).map { event($0) }, to: "b")
            #expect(try segmentFiles(dir) == ["00000000000000000000.seg", "00000000000000000001.seg"])
            #expect(try fileSize(dir + "/00000000000000000001.seg") > 1024)
        }
    }

    @Test func rejectsFieldsTheFormatCannotHold() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            #expect(throws: StoreError.self) { try store.append([event(0)], to: "") }
            var e = event(0)
            e.type = ""
            #expect(throws: StoreError.self) { try store.append([e], to: "x") }
            e = event(0)
            e.actor = String(repeating: "a", count: 70_000)
            #expect(throws: StoreError.self) { try store.append([e], to: "x") }
            #expect(store.endPosition == 0)
        }
    }
}

@Suite struct ExpectedVersionTests {
    @Test func conditionsAreCheckedAndConflictsSayExpectedAndActual() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            _ = try store.append([event(0)], to: "household-1", expected: .noStream)
            do {
                _ = try store.append([event(1)], to: "household-1", expected: .noStream)
                Issue.record("expected a conflict")
            } catch let e as StoreError {
                #expect(e.code == .versionConflict)
                #expect(e.description == "stream household-1: expected no stream, actual version 0")
            }
            do {
                _ = try store.append([event(1)], to: "household-1", expected: .exact(3))
                Issue.record("expected a conflict")
            } catch let e as StoreError {
                #expect(e.description == "stream household-1: expected version 3, actual version 0")
            }
            do {
                _ = try store.append([event(1)], to: "household-2", expected: .exact(0))
                Issue.record("expected a conflict")
            } catch let e as StoreError {
                #expect(e.description == "stream household-2: expected version 0, actual no stream")
            }
            #expect(store.endPosition == 1)
            let r = try store.append([event(1), event(2)], to: "household-1", expected: .exact(0))
            #expect(r.lastVersions["household-1"] == 2)
            _ = try store.append([event(3)], to: "household-1", expected: .any)
            #expect(try store.streamVersion("household-1") == 3)
        }
    }

    @Test func conditionsSurviveReopenAndSegmentRolls() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try EventStore.open(dir, configuration: config(segmentSize: 2048))
                for i in 0..<100 { _ = try store.append([event(i)], to: "household-\(i % 4)", expected: i < 4 ? .noStream : .exact(UInt64(i / 4 - 1))) }
                try store.close()
            }
            let store = try EventStore.open(dir, configuration: config(segmentSize: 2048))
            #expect(throws: StoreError.self) { try store.append([event(0)], to: "household-3", expected: .exact(23)) }
            _ = try store.append([event(0)], to: "household-3", expected: .exact(24))
            #expect(throws: StoreError.self) { try store.append([event(0)], to: "household-0", expected: .noStream) }
            _ = try store.append([event(0)], to: "household-99", expected: .noStream)
        }
    }

    @Test func aMultiStreamBatchIsAllOrNothing() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            _ = try store.append([event(0)], to: "fund-1")
            #expect(throws: StoreError.self) {
                try store.append([
                    StreamWrite(stream: "household-1", expected: .noStream, events: [event(1)]),
                    StreamWrite(stream: "fund-1", expected: .noStream, events: [event(2)]),
                ])
            }
            #expect(store.endPosition == 1)
            #expect(try store.readStream("household-1").isEmpty)
            let r = try store.append([
                StreamWrite(stream: "household-1", expected: .noStream, events: [event(1)]),
                StreamWrite(stream: "fund-1", expected: .exact(0), events: [event(2), event(3)]),
                StreamWrite(stream: "household-1", expected: .exact(0), events: [event(4)]),
            ])
            #expect(r.positions == 1..<5)
            #expect(r.lastVersions == ["household-1": 1, "fund-1": 2])
            #expect(try allRecords(store).map { "\($0.stream)@\($0.version)" } ==
                    ["fund-1@0", "household-1@0", "fund-1@1", "fund-1@2", "household-1@1"])
        }
    }

    @Test func concurrentWritersShareFlushesAndKeepPositionsGapFree() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 64 << 10))
            let writers = 4, perWriter = 150
            await withTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for i in 0..<perWriter {
                            // Each writer owns one stream (exact versions) and shares another (any).
                            _ = try? store.append([event(i)], to: "household-w\(w)", expected: i == 0 ? .noStream : .exact(UInt64(i - 1)))
                            _ = try? store.append([event(i)], to: "village-shared")
                        }
                    }
                }
            }
            let records = try allRecords(store)
            #expect(records.count == writers * perWriter * 2)
            #expect(records.map(\.position) == (0..<UInt64(records.count)).map { $0 })
            for w in 0..<writers {
                #expect(try store.readStream("household-w\(w)").map(\.version) == (0..<UInt64(perWriter)).map { $0 })
            }
            #expect(try store.readStream("village-shared").map(\.version) == (0..<UInt64(writers * perWriter)).map { $0 })
        }
    }
}

@Suite struct EdgeCaseTests {
    @Test func readingThroughTheLargestPositionReadsToTheEnd() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            _ = try store.append([event(0), event(1)], to: "s")
            var n = 0
            try store.forEachRecord(from: 0, through: .max) { _ in n += 1; return true }
            #expect(n == 2)
            n = 0
            try store.forEachRecord(from: 1, through: 1) { _ in n += 1; return true }
            #expect(n == 1)
            #expect(try store.read(from: 2).isEmpty)
        }
    }

    @Test func segmentsVanishingUnderAReaderAreReported() throws {
        try withTemporaryDirectory { dir in
            let writer = try EventStore.open(dir, configuration: config(segmentSize: 512))
            for i in 0..<30 { _ = try writer.append([event(i)], to: "s") }
            let reader = try EventStore.open(dir, configuration: config(readOnly: true))
            let segments = try segmentFiles(dir)
            #expect(segments.count > 2)
            for s in segments.dropFirst() { try FileManager.default.removeItem(atPath: dir + "/" + s) }
            #expect { try reader.refresh() } throws: { "\($0)".contains("segments disappeared") }
            #expect(reader.damage != nil)
        }
    }
}
