import Foundation

/// The PostgreSQL server the tests use: `FP_TEST_POSTGRES` when set (CI sets it), else
/// a private server of this test process's own, started with `scripts/postgres-test-server
/// start` and stopped when the process exits (`scripts/test` starts one for the whole run
/// and sets `FP_TEST_POSTGRES`). When no server can be had, the PostgreSQL tests are skipped with a message saying why, except
/// under CI, where they fail instead: a CI run never skips them silently.
public enum PostgresTestServer {
    /// The server's address (no county), or why there is none.
    public static let address: Result<String, Unavailable> = find()

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether the PostgreSQL tests run: they do when a server is there, and always in
    /// CI (where a missing server is a failure, not a skip).
    public static var enabled: Bool {
        if case .success = address { return true }
        return isCI
    }

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false }

    /// The address of a log for a new county of its own, so tests never share a log.
    public static func newLog() throws -> String {
        let base = try address.get()
        return base + "?county=" + nextCounty()
    }

    private static let counter = Counter()

    /// A county code no other test of this run uses: 9 then 5 digits from the process
    /// id and a counter (each run has a server and a database of its own).
    public static func nextCounty() -> String {
        let n = counter.next()
        let v = (Int(ProcessInfo.processInfo.processIdentifier) * 97 + n) % 100_000
        return "9" + String(repeating: "0", count: 5 - String(v).count) + String(v)
    }

    private static func find() -> Result<String, Unavailable> {
        if let url = ProcessInfo.processInfo.environment["FP_TEST_POSTGRES"], !url.isEmpty { return .success(url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["start"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.runWithCleanSignalMask() } catch {
            return .failure(Unavailable(description: "cannot run \(script): \(error)"))
        }
        let url = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let why = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        guard process.terminationStatus == 0, url.hasPrefix("postgres://") else {
            let message = "no PostgreSQL server could be started locally (scripts/postgres-test-server: \(why)); "
                + "set FP_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to use one"
            FileHandle.standardError.write(Data("PostgreSQL tests skipped: \(message)\n".utf8))
            return .failure(Unavailable(description: message))
        }
        startedURL = url
        atexit { PostgresTestServer.stopStarted() }
        return .success(url)
    }

    /// The server this process started, if it did: stopped at exit.
    nonisolated(unsafe) private static var startedURL: String?

    private static func stopStarted() {
        guard let url = startedURL else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["stop", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.runWithCleanSignalMask()) != nil else { return }
        process.waitUntilExit()
    }

    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres-test-server").path
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        n += 1
        return n
    }
}
