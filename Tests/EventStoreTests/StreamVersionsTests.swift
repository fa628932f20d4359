import Testing
@testable import EventStore

/// The writer's version cache, keyed by stream hash: names tell colliding streams apart,
/// it grows past its first size, and a removed stream is gone while the others stay.
@Suite struct StreamVersionsTests {
    @Test func collidingHashesKeepTheirOwnVersions() {
        var t = StreamVersions()
        t.set("household-A", 42, 1)
        t.set("household-B", 42, 7)      // the same hash, another stream
        #expect(t.get("household-A", 42) == 1 && t.get("household-B", 42) == 7)
        #expect(t.get("household-C", 42) == nil && t.get("household-A", 43) == nil)
        t.set("household-B", 42, 8)
        t.set("household-A", 42, nil)
        #expect(t.get("household-A", 42) == nil && t.get("household-B", 42) == 8)
        t.set("household-A", 42, 2)
        #expect(t.get("household-A", 42) == 2)
    }

    @Test func growsAndAgreesWithADictionary() {
        var t = StreamVersions(capacity: 1)
        var d: [String: UInt64] = [:]
        for i in 0..<5000 {
            let name = "household-\(i % 3000)"
            t.set(name, StreamHash.of(name), UInt64(i))
            d[name] = UInt64(i)
        }
        for (name, v) in d { #expect(t.get(name, StreamHash.of(name)) == v) }
        #expect(t.get("household-3000", StreamHash.of("household-3000")) == nil)
    }

    @Test func theResultReportsEachStreamsLastVersion() throws {
        let r = AppendResult(positions: 0..<3, streams: ["a", "b", "a"], versions: [0, 0, 1])
        #expect(r.lastVersions == ["a": 1, "b": 0])
        #expect(r.written.map(\.stream) == ["a", "b", "a"])
    }
}
