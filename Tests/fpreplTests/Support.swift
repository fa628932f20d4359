import Foundation
import TestSupport
import Testing
import EventStore

// Helpers shared by this target's tests: the one place to look for a function a test
// calls that is not in its own file.

/// Runs the built `fprepl` with arguments and stdin; returns stdout, stderr, status.
/// With `standardOutput` (a file: `/dev/full`), results go there and `out` is empty.
func fprepl(_ args: [String], stdin: String = "", environment: [String: String]? = nil,
            standardOutput: FileHandle? = nil) throws -> (out: String, err: String, status: Int32) {
    try fprepl(args, stdinBytes: Array(stdin.utf8), environment: environment, standardOutput: standardOutput)
}

/// The path of the built `fprepl`, beside the tests.
func fpreplExecutable() throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("fprepl").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return try #require(nil as String?, "fprepl is built beside the tests")
}

/// Runs the built `fprepl` with arguments and stdin given as bytes (not necessarily UTF-8).
func fprepl(_ args: [String], stdinBytes: [UInt8], environment: [String: String]? = nil,
            standardOutput: FileHandle? = nil) throws -> (out: String, err: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try fpreplExecutable())
    process.arguments = args
    if let environment { process.environment = environment }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = standardOutput ?? output
    process.standardError = error
    try process.runWithCleanSignalMask()
    input.fileHandleForWriting.write(Data(stdinBytes))
    try input.fileHandleForWriting.close()
    let out = standardOutput == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), process.terminationStatus)
}

func withStore<T>(events: Int = 0, _ body: (String) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.path + "/fprepl-tests-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try EventStore.open(dir)
    let day = try #require(EffectiveDate("2016-12-20"))
    for i in 0..<events {
        _ = try store.append([ProposedEvent(type: "VisitRecorded", effective: day, actor: "op", payload: [1, 2, 3])],
                             to: "household-\(i % 3)")
    }
    try store.close()
    return try body(dir)
}

let sampleLog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Events/samples/household-life.jsonl").path

/// A store holding the bundled sample log (Events/samples/household-life.jsonl).
func withSample<T>(_ body: (String) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.path + "/fprepl-sample-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sample = DocExamplesTests.root.appendingPathComponent("Events/samples/household-life.jsonl").path
    let r = try fprepl(["--store", dir, "-c", "import \(sample)"])
    #expect(r.status == 0, "\(r.err)")
    return try body(dir)
}

/// The last JSON document a run printed (`--format json` prints one per command: an
/// `asof` first gives its own).
func lastDocument(_ out: String) -> String {
    String(out.split(separator: "\n").last ?? "")
}
