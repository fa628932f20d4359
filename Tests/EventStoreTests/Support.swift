import Foundation
import Testing
@_spi(Testing) @testable import EventStore

// Helpers shared by this target's tests: the one place to look for a function a test
// calls that is not in its own file.

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

/// RFC 6962's MTH written out as the RFC defines it, independent of the store's tree.
func referenceRoot(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
    if leaves.isEmpty { return .emptyTree }
    if leaves.count == 1 { return leaves.first! }
    var k = 1
    while k * 2 < leaves.count { k *= 2 }
    let mid = leaves.startIndex + k
    return MerkleHash.node(referenceRoot(leaves[..<mid]), referenceRoot(leaves[mid...]))
}

/// Leaf hashes computed straight from the segment files, the way docs/verification.md
/// tells a third party to: skip each 64-byte header, then frames of
/// [crc32c u32][length u32][body], leaf = SHA-256(0x00 ‖ body).
func leavesFromSegmentFiles(_ dir: String) throws -> [MerkleHash] {
    var out: [MerkleHash] = []
    for name in try segmentFiles(dir) {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
        var at = 64
        while at + 8 <= data.count {
            let length = Int(data[at + 4]) | Int(data[at + 5]) << 8 | Int(data[at + 6]) << 16 | Int(data[at + 7]) << 24
            out.append(MerkleHash.leaf(Array(data[(at + 8)..<(at + 8 + length)])))
            at += 8 + length
        }
    }
    return out
}
