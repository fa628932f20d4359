import Foundation

/// A one-line progress display on stderr, for terminals only: count, rate, elapsed.
/// Every update is also where long work stops for Ctrl-C (``Interruption``), on a
/// terminal or not.
final class Progress {
    let label: String
    let enabled: Bool
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    var last: ContinuousClock.Instant

    /// Where its lines go: stderr (a test reads them instead).
    private let write: (String) -> Void
    /// Whether a line was shown (``finish()`` clears only what it wrote).
    private var shown = false

    init(label: String, enabled: Bool, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = escapingControlCharacters(label)  // it names a file the user gave
        self.enabled = enabled
        self.write = write
        start = clock.now
        last = start
    }

    /// Shows how far the work is; throws ``Interrupted`` when Ctrl-C was pressed.
    func update(done: Int, total: Int? = nil, unit: String) throws(Interrupted) {
        try Interruption.check()
        guard enabled else { return }
        let now = clock.now
        guard now - last > .milliseconds(100) else { return }
        last = now
        let elapsed = (now - start).seconds
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\r\(label): \(done) \(unit), \(Int(rate))/s"
        if let total, total > 0 {
            let pct = Double(done) * 100 / Double(total)
            line = "\r\(label): \(String(format: "%.0f", pct))% (\(done)/\(total) \(unit))"
            // A rate and what is left once something is done.
            if rate > 0 { line += ", \(Int(rate))/s, ETA \(Int(Double(total - done) / rate)) s" }
        }
        write(line + "\u{1B}[K")
        shown = true
    }

    /// ``update(done:total:unit:)`` as the projections and the store call a progress
    /// closure: positions done and the total.
    func counting(_ unit: String) -> (UInt64, UInt64) throws -> Void {
        { done, total in try self.update(done: Int(done), total: Int(total), unit: unit) }
    }

    /// Says what it is doing now, in place of the count (a step that has no count of
    /// its own, such as writing what was checked).
    func say(_ text: String) {
        guard enabled else { return }
        write("\r\(label): \(text)\u{1B}[K")
        shown = true
    }

    /// Clears the line it showed, if it showed one (work that ended within its first
    /// 100 ms leaves the terminal as it was: the line being edited, for Tab).
    func finish() {
        guard enabled, shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }
}
