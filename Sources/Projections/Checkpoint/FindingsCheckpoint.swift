import EventStore
import Foundation

/// The findings as of the end of the log, saved beside it (`projections/findings.ckpt`,
/// ``ProjectionFile`` with magic "FPLFIND1") so that asking again, with other rules or
/// another `where`, does not judge the whole county again.
///
/// It holds the result, not the facts behind it: it serves only a log that has not grown
/// since (the same store, the same last record), read by the same build of fprepl (the
/// rules live in the code: the body starts with the executable's identity). Otherwise the
/// findings are judged again from the first record and the file replaced. Derived data:
/// deleting it costs only time.
public enum FindingsCheckpoint {
    static let magic = Array("FPLFIND1".utf8)
    /// Bumped whenever this layout changes.
    static let formatVersion: UInt32 = 1

    /// Where the saved findings of a store live.
    public static func path(for store: any EventLog) -> String { store.projectionsDirectory + "/findings.ckpt" }

    /// Saves the findings of the whole log (as of ``AsOf/now``), judged when its last
    /// record was `position`.
    public static func save(_ findings: [Finding], position: UInt64, store: any EventLog, build: String = BuildIdentity.current) throws {
        var w = ProtoWriter()
        w.string(1, build)
        for f in findings {
            var m = ProtoWriter()
            m.string(1, f.rule); m.string(2, f.stream); m.varintField(3, f.position); m.varintField(4, UInt64(f.effective.rawValue))
            m.string(5, f.detail)
            if let h = f.household { m.string(6, h) }
            w.lengthDelimited(2, m.bytes)
        }
        try ProjectionFile.save(w.bytes, to: path(for: store), magic: magic, version: formatVersion, position: position, store: store)
    }

    /// The saved findings, when they are those of the log as it is now and of this build.
    ///
    /// - Returns: the findings; or `nil`, with a note when the file is there but damaged or
    ///   of another store (a file of an older log or another build is replaced silently).
    public static func load(store: any EventLog, build: String = BuildIdentity.current) -> (findings: [Finding]?, note: String?) {
        let file = path(for: store)
        let (found, note) = ProjectionFile.load(file, magic: magic, version: formatVersion, store: store)
        guard let (position, body) = found else { return (nil, note) }
        guard position + 1 == store.endPosition else { return (nil, nil) }  // the log has grown since
        var findings: [Finding] = []
        do {
            var saidBuild: String?
            for (n, v) in try ProjectionFile.fields(body) {
                switch (n, v) {
                case (1, .bytes(let b)): saidBuild = String(decoding: b, as: UTF8.self)
                case (2, .bytes(let b)): findings.append(try finding(Array(b)))
                default: break
                }
            }
            guard saidBuild == build else { return (nil, nil) }  // judged by another build's rules
        } catch {
            return (nil, "\(file) does not decode; judged again")
        }
        return (findings, nil)
    }

    private static func finding(_ b: [UInt8]) throws -> Finding {
        var f = Finding(rule: "", stream: "", position: 0, effective: EffectiveDate(year: 2000, month: 1, day: 1)!, detail: "")
        for (n, v) in try ProjectionFile.fields(b) {
            switch (n, v) {
            case (1, .bytes(let t)): f.rule = String(decoding: t, as: UTF8.self)
            case (2, .bytes(let t)): f.stream = String(decoding: t, as: UTF8.self)
            case (3, .varint(let p)): f.position = p
            case (4, .varint(let d)):
                guard let day = EffectiveDate(rawValue: UInt32(truncatingIfNeeded: d)) else { throw ProjectionFile.Malformed() }
                f.effective = day
            case (5, .bytes(let t)): f.detail = String(decoding: t, as: UTF8.self)
            case (6, .bytes(let t)): f.household = String(decoding: t, as: UTF8.self)
            default: break
            }
        }
        guard !f.rule.isEmpty, !f.stream.isEmpty else { throw ProjectionFile.Malformed() }
        return f
    }
}

/// Which build of the program is running: its executable's path, size and modification
/// time. Saved results that the code computes (the findings) name it, so a new build
/// never serves what an older one judged.
public enum BuildIdentity {
    public static let current: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let a = try? FileManager.default.attributesOfItem(atPath: exe)
        let size = (a?[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        return "\(exe) \(size) \(Int64(modified * 1_000_000))"
    }()
}
