import Foundation
import Testing
@_spi(Testing) @testable import EventStore

/// A fresh temporary directory for one test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let base = FileManager.default.temporaryDirectory.path + "/fp-ledger-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: base) }
    return try body(base)
}

func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let base = FileManager.default.temporaryDirectory.path + "/fp-ledger-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: base) }
    return try await body(base)
}

let day = EffectiveDate(year: 2016, month: 12, day: 20)!

func event(_ i: Int, type: String = "VisitRecorded", payloadSize: Int? = nil, correlation: String? = nil) -> ProposedEvent {
    let payload: [UInt8]
    if let payloadSize {
        payload = (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }
    } else {
        payload = Array("payload-\(i)".utf8)
    }
    return ProposedEvent(type: type, effective: day, actor: "op-\(i % 10)", correlation: correlation, payload: payload)
}

func config(segmentSize: Int = 64 << 20, durability: EventStore.Durability = .groupCommit,
            readOnly: Bool = false, faults: FaultInjector? = nil) -> EventStore.Configuration {
    var c = EventStore.Configuration()
    c.segmentSize = segmentSize
    c.durability = durability
    c.readOnly = readOnly
    c.faults = faults
    return c
}

/// Every record of the store, read forward.
func allRecords(_ store: EventStore) throws -> [RecordedEvent] {
    var out: [RecordedEvent] = []
    try store.forEachRecord { out.append($0.materialize()); return true }
    return out
}

func segmentFiles(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }.sorted()
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
}

func copyDirectory(_ from: String, _ to: String) throws {
    try FileManager.default.copyItem(atPath: from, toPath: to)
}

func truncateFile(_ path: String, to length: Int) throws {
    let h = try Foundation.FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try h.truncate(atOffset: UInt64(length))
    try h.close()
}

func flipByte(_ path: String, at offset: Int) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    data[offset] ^= 0x40
    try data.write(to: URL(fileURLWithPath: path))
}
