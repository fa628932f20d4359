import CEditLine
import Foundation

/// Line editing for the interactive REPL: libedit with a UTF-8 locale (so 因病 is one
/// character to the cursor and to backspace), persistent history, Ctrl-C cancelling
/// the line rather than the program, Ctrl-D ending input, and tab completion.
/// Used only when stdin is a terminal (`docs/repl.md`, "Running it").
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        case interrupted
        case end
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String
    private var promptBuffer: UnsafeMutablePointer<CChar>
    /// Completions for the word before the cursor, given the line up to the cursor.
    var completer: (_ lineBeforeCursor: String, _ word: String) -> [String] = { _, _ in [] }

    init?(program: String, historyPath: String) {
        _ = fp_setlocale_ctype()
        guard let el = fp_el_init(program), let h = fp_history_init() else { return nil }
        editLine = el
        history = h
        self.historyPath = historyPath
        promptBuffer = strdup("fp> ")
        _ = fp_history_setsize(h, 2000)
        _ = fp_history_unique(h, 1)
        _ = fp_history_load(h, historyPath)  // -1 for a missing file: nothing to load
        _ = fp_el_set_hist(el, h)
        _ = fp_el_set_editor(el, "emacs")
        _ = fp_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        _ = fp_el_set_prompt(el) { el in
            guard let el, let data = fp_el_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }
        _ = fp_el_set_addfn_bind(el, "fp-complete", "complete commands, fields and labels", { el, _ in
            guard let el, let data = fp_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete()
        }, "^I")
        // Ctrl-C cancels the line: the SIGINT handler (``Interruption``) makes el_gets
        // return with EINTR.
    }

    deinit {
        save()
        el_end(editLine)
        history_end(history)
        free(promptBuffer)
    }

    /// The prompt shown before each line.
    var prompt: String = "fp> " {
        didSet {
            free(promptBuffer)
            promptBuffer = strdup(prompt)
        }
    }

    /// Reads one line (without its newline).
    func read() -> Input {
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count) else {
            return count == -1 ? .interrupted : .end
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Asks a question at a prompt of its own (the replay's step prompt) and reads the
    /// answer, which the history does not keep; the prompt is put back after.
    func ask(_ question: String) -> Input {
        let kept = prompt
        prompt = question
        defer { prompt = kept }
        return read()
    }

    /// Remembers a line in the history and saves it, so a killed session keeps it.
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        _ = fp_history_enter(history, line)
        save()
    }

    func save() { _ = fp_history_save(history, historyPath) }

    /// Tab: complete the word before the cursor; list the candidates when several fit.
    private func complete() -> UInt8 {
        guard let info = el_line(editLine)?.pointee, let start = info.buffer else { return UInt8(CC_ERROR) }
        let length = info.cursor - start
        let before = String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
        let word = String(before.split(separator: " ", omittingEmptySubsequences: false).last ?? "")
        let candidates = completer(before, word).filter { $0.hasPrefix(word) }
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        var common = candidates[0]
        for c in candidates.dropFirst() {
            while !c.hasPrefix(common) { common.removeLast() }
        }
        // One candidate is complete, and a space follows; but a folder goes on with its files.
        let rest = String(common.dropFirst(word.count)) + (candidates.count == 1 && !common.hasSuffix("/") ? " " : "")
        if !rest.isEmpty { _ = el_insertstr(editLine, rest) }
        if candidates.count > 1 && rest.isEmpty {
            FileHandle.standardOutput.write(Data(("\n" + candidates.joined(separator: "  ") + "\n").utf8))
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(CC_REFRESH)
    }
}
