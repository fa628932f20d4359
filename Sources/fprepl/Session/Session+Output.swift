import CEditLine
import Foundation
import Projections

/// Where results go, and scripts read from within a session.
extension Session {
    /// `.output FILE` sends results to FILE (created or emptied, mode 0600: results may
    /// hold personal data); `.output` alone returns them to stdout.
    func redirectOutput(to path: String?) throws {
        try? outputFile?.close()
        outputFile = nil
        guard let path else { return }
        try writeFileForCommand("", to: path)
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        outputFile = h
        outputPath = path
    }

    /// The width in cells of the terminal results go to, or `nil` when they go to a
    /// file or a pipe (which get every table whole).
    var terminalWidth: Int? {
        guard outputFile == nil, isatty(1) == 1 else { return nil }
        let columns = Int(fp_terminal_columns(1))
        return columns > 0 ? columns : nil
    }

    /// Writes part of a result now, where results go (for commands that show their
    /// output step by step).
    ///
    /// - Throws: ``CommandError`` when the bytes cannot be written (a full disk, a
    ///   closed descriptor); the script stops there (``outputFailed``).
    func emit(_ text: String) throws {
        let fd = outputFile?.fileDescriptor ?? 1
        guard !Array(text.utf8).withUnsafeBytes({ FileBytes.writeAll(fd, $0) }) else { return }
        outputFailed = true
        let place = outputFile == nil ? "standard output" : outputPath ?? "the .output file"
        throw CommandError("cannot write the results to \(place): \(String(cString: strerror(errno))); the script stops here")
    }

    /// `.read FILE`: runs a script's commands here, errors named `FILE:LINE`.
    func read(script given: String) throws {
        // Inside a script file, a relative path is from that script's folder (a script
        // and the scripts it reads travel together); at the prompt, from the working one.
        var path = given
        if !given.hasPrefix("/"), let folder = scriptFolders.last, !folder.isEmpty { path = folder + given }
        guard readDepth < 16 else { throw CommandError(".read is nested 16 deep; does \(path) read itself?") }
        let text = try readTextFileForCommand(path)
        readDepth += 1
        defer { readDepth -= 1 }
        // Each failing command has said why; the .read itself adds no line.
        if !run(script: text, source: path) { throw SilentFailure() }
    }
}
