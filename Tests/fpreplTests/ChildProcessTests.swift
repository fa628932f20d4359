import Foundation
import TestSupport
import Testing

/// A child the tests start can be ended by a signal, whatever thread starts it: the
/// test runner's threads block nearly every signal, and a child inherits that mask.
@Suite struct ChildProcessTests {
    /// The blocked-signal mask of a `grep` started from a Dispatch worker thread.
    static func blockedMask(clean: Bool) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/grep")
        p.arguments = ["^SigBlk:", "/proc/self/status"]
        let out = Pipe()
        p.standardOutput = out
        final class Outcome: @unchecked Sendable { var failure: Error? }  // written before the signal, read after
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do { if clean { try p.runWithCleanSignalMask() } else { try p.run() } } catch { outcome.failure = error }
            done.signal()
        }
        done.wait()
        if let failure = outcome.failure { throw failure }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text.split(separator: "\t").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? text
    }

    @Test func aChildStartsWithNoSignalBlocked() throws {
        #expect(try Self.blockedMask(clean: true) == "0000000000000000")
    }

    /// What the test above guards against: a plain start from such a thread passes the
    /// mask on (if this ever stops holding, the helper is no longer needed).
    @Test func aPlainStartFromAWorkerThreadPassesItsMaskOn() throws {
        #expect(try Self.blockedMask(clean: false) != "0000000000000000")
    }
}
