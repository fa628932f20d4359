import Foundation

/// A one-line progress display on stderr, for terminals only: count, rate, elapsed.
final class Progress {
    let label: String
    let enabled: Bool
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    var last: ContinuousClock.Instant

    /// Where its lines go: stderr (a test reads them instead).
    private let write: (String) -> Void

    init(label: String, enabled: Bool, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = escapingControlCharacters(label)  // it names a file the user gave
        self.enabled = enabled
        self.write = write
        start = clock.now
        last = start
    }

    func update(done: Int, total: Int? = nil, unit: String) {
        guard enabled else { return }
        let now = clock.now
        guard now - last > .milliseconds(100) else { return }
        last = now
        let elapsed = (now - start).seconds
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\r\(label): \(done) \(unit), \(Int(rate))/s"
        if let total, total > 0, rate > 0 {
            let pct = Double(done) * 100 / Double(total)
            let eta = Double(total - done) / rate
            line = "\r\(label): \(String(format: "%.0f", pct))% (\(done)/\(total) \(unit)), \(Int(rate))/s, ETA \(Int(eta)) s"
        }
        write(line + "\u{1B}[K")
    }

    /// Says what it is doing now, in place of the count (a step that has no count of
    /// its own, such as writing what was checked).
    func say(_ text: String) {
        guard enabled else { return }
        write("\r\(label): \(text)\u{1B}[K")
    }

    func finish() {
        guard enabled else { return }
        write("\r\u{1B}[K")
    }
}
