#if canImport(Glibc)
import Glibc
#endif

/// The `REPAIRS` file: what writers rebuilt because it no longer described the log (the
/// Merkle tree), one line each, `YYYY-MM-DDTHH:MM:SSZ` and what was found. A repair
/// is reported when it is made and stays on record here, for `status` and `verify`
/// to show, until someone removes the file: it is a report, not a proof (a signed
/// checkpoint is the proof; `docs/verification.md`).
enum RepairRecord {
    static let fileName = "REPAIRS"

    /// Appends `repairs`, one line each, stamped with the time now; a failure to write
    /// the record does not stop the store from opening (the repair was reported).
    static func append(_ repairs: [String], directory: String, faults: FaultInjector?) {
        guard !repairs.isEmpty else { return }
        let stamp = utcStamp(time(nil))
        let text = repairs.map { stamp + " " + $0.replacingControlCharacters() + "\n" }.joined()
        guard let h = try? FileHandle.open(directory + "/" + fileName, O_WRONLY | O_CREAT, faults: faults) else { return }
        defer { h.close() }
        guard let end = try? h.size() else { return }
        try? Array(text.utf8).withUnsafeBytes { try h.write($0, at: end) }
        try? h.sync()
    }

    /// The recorded repairs, oldest first (none when there is no file).
    static func read(directory: String) -> [String] {
        let path = directory + "/" + fileName
        guard FileSystem.exists(path), let h = try? FileHandle.open(path, O_RDONLY) else { return [] }
        defer { h.close() }
        let size = Int(min((try? h.size()) ?? 0, 1 << 20))
        var bytes = [UInt8](repeating: 0, count: size)
        let n = (try? bytes.withUnsafeMutableBytes { try h.read(into: $0, at: 0) }) ?? 0
        return String(decoding: bytes[0..<n], as: UTF8.self).split(separator: "\n").map(String.init)
    }

    private static func utcStamp(_ t: time_t) -> String {
        var t = t
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

extension String {
    /// The string with every control character (a newline too) written as a space, for
    /// one line of a text file.
    fileprivate func replacingControlCharacters() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
