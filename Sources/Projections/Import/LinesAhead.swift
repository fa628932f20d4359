import EventStore
import Foundation
import Synchronization

/// What can be known of a line of an import without the lines before it: its JSON
/// parsed and its envelope and data checked, and (unless it is a correction, whose
/// replacement data is of its target's type) its payload encoded. Errors are kept as
/// thrown, to be thrown when the import reaches the line, after the checks that come
/// before them (`expected_version` before the data's fields).
struct PrecheckedLine {
    /// The event, or `nil` when the line failed (``failure``).
    var event: CanonicalEvent?
    /// Why the line is not an event: the error its parse threw.
    var failure: (any Error)?
    /// The event ready to append, or why its data is wrong; `nil` for a correction, or
    /// when the line failed.
    var proposed: Result<ProposedEvent, any Error>?
    /// The household's id when the stream is a household's.
    var household: String?
    /// The `cadre` of the event's data, for the status machine (a helper's assignment).
    var cadre: String?

    init(_ line: UnsafeRawBufferPointer, number: Int) {
        var line = line
        if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            failure = ProjectionError(.invalid, "empty line; one JSON event per line", line: number)
            return
        }
        do {
            var e = try CanonicalEvent.parse(utf8: line)
            if e.category == .household { household = e.id }
            if case .string(let c)? = e.data["cadre"] { cadre = c }
            if e.kind != .correction {
                proposed = Result { try e.proposed() }
                // Encoded: the data's tree is let go here, on this core, not where the
                // lines are taken in order.
                e.data = JSONObject()
            }
            event = e
        } catch {
            failure = error
        }
    }
}

/// Prechecks the lines of an import a chunk at a time on another core, a few chunks
/// ahead of the checks that need the lines before them (versions, corrections, the
/// status machine), which take them in order. When those catch up with the worker they
/// precheck chunks themselves rather than wait: the next one if the worker has not
/// started it (so one core does all the work as before), else later ones.
final class LinesAhead: @unchecked Sendable {
    private let text: UnsafeRawBufferPointer
    private let lines: [Range<Int>]
    private let chunkSize: Int
    private let chunkCount: Int
    /// Per chunk: 0 not taken, 1 being prechecked, 2 done (its slot filled).
    private let states: UnsafeMutablePointer<Atomic<Int>>
    /// Each chunk's prechecked lines, moved out one by one as they are taken.
    private let slots: UnsafeMutablePointer<UnsafeMutablePointer<PrecheckedLine>?>
    private let done: [DispatchSemaphore]
    /// Chunks the worker may take ahead of the one being consumed.
    private let room: DispatchSemaphore
    private let ahead: Int
    private let nextForWorker = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let worker = DispatchGroup()
    /// The chunk lines are being taken from, and how many of its lines were taken.
    private var current = -1
    private var taken = 0

    /// - Parameters:
    ///   - text: The file's bytes; must stay valid until ``stop()`` has returned.
    ///   - lines: Each line's bytes in `text`, without its newline.
    init(text: UnsafeRawBufferPointer, lines: [Range<Int>], chunkSize: Int = 1024, ahead: Int = 8) {
        self.text = text
        self.lines = lines
        self.chunkSize = chunkSize
        chunkCount = (lines.count + chunkSize - 1) / chunkSize
        states = .allocate(capacity: max(chunkCount, 1))
        for k in 0..<chunkCount { (states + k).initialize(to: Atomic(0)) }
        slots = .allocate(capacity: max(chunkCount, 1))
        slots.initialize(repeating: nil, count: max(chunkCount, 1))
        done = (0..<chunkCount).map { _ in DispatchSemaphore(value: 0) }
        self.ahead = ahead
        // Counted up from 0: libdispatch refuses to free a semaphore left below the
        // value it was made with.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<ahead { room.signal() }
        // One worker: the caller's thread is the other core's user. A one-core
        // machine still gets the whole file done, the caller taking what the worker has
        // not.
        if chunkCount > 1 && ProcessInfo.processInfo.activeProcessorCount > 1 {
            DispatchQueue.global(qos: .userInitiated).async(group: worker) { [self] in work() }
        }
    }

    deinit {
        stop()
        // Chunks prechecked ahead and never taken (the import stopped at a bad line).
        for chunk in 0..<chunkCount {
            guard let lines = slots[chunk] else { continue }
            let first = chunk == current ? taken : 0
            (lines + first).deinitialize(count: count(chunk) - first)
            lines.deallocate()
        }
        states.deinitialize(count: chunkCount)
        states.deallocate()
        slots.deallocate()
    }

    /// Line `k`'s precheck (0-based), moved out: each line is taken once, in order.
    func take(_ k: Int) -> PrecheckedLine {
        let chunk = k / chunkSize
        if chunk != current {
            if current >= 0 {
                slots[current]?.deallocate()  // every line of it moved out
                slots[current] = nil
                room.signal()
            }
            current = chunk
            taken = 0
            if claim(chunk) {
                slots[chunk] = precheck(chunk)
            } else {
                // The worker has it: rather than wait, precheck a later chunk it has not
                // taken (on two cores the prechecks are the larger share of the work).
                var later = chunk + 1
                while states[chunk].load(ordering: .acquiring) != 2, later < min(chunkCount, chunk + ahead) {
                    if claim(later) { fill(later) }
                    later += 1
                }
                done[chunk].wait()
            }
        }
        precondition(k - chunk * chunkSize == taken, "lines are taken in order")
        guard let lines = slots[chunk] else { preconditionFailure("chunk \(chunk) is prechecked before its lines are taken") }
        taken += 1
        return (lines + (k - chunk * chunkSize)).move()
    }

    /// Stops the worker and waits for it: after this nothing reads `text`.
    func stop() {
        if stopped.exchange(true, ordering: .acquiringAndReleasing) { return }
        room.signal()  // a worker waiting for room wakes, sees the stop, and leaves
        worker.wait()
    }

    private func work() {
        while true {
            room.wait()
            let chunk = nextForWorker.add(1, ordering: .relaxed).oldValue
            if stopped.load(ordering: .acquiring) || chunk >= chunkCount { return }
            if claim(chunk) { fill(chunk) }
        }
    }

    /// Prechecks a claimed chunk into its slot and tells whoever waits for it.
    private func fill(_ chunk: Int) {
        slots[chunk] = precheck(chunk)
        states[chunk].store(2, ordering: .releasing)
        done[chunk].signal()
    }

    private func claim(_ chunk: Int) -> Bool {
        states[chunk].compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged
    }

    private func count(_ chunk: Int) -> Int {
        min(chunkSize, lines.count - chunk * chunkSize)
    }

    private func precheck(_ chunk: Int) -> UnsafeMutablePointer<PrecheckedLine> {
        let first = chunk * chunkSize
        let out = UnsafeMutablePointer<PrecheckedLine>.allocate(capacity: count(chunk))
        for k in 0..<count(chunk) {
            (out + k).initialize(to: PrecheckedLine(UnsafeRawBufferPointer(rebasing: text[lines[first + k]]), number: first + k + 1))
        }
        return out
    }
}
