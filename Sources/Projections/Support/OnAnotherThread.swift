import Foundation

/// Work done on a thread of its own (the judging has the machine's second core to
/// itself), its result handed back through a semaphore.
final class OnAnotherThread<T>: @unchecked Sendable {
    private var work: (() throws -> T)?
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping () throws -> T) {
        self.work = work
        let thread = Thread { [self] in
            result = Result { try self.work!() }
            self.work = nil  // what it captured goes with it
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Waits for the work and returns what it returned, or throws what it threw.
    func value() throws -> T {
        done.wait()
        return try result!.get()
    }

}

/// Lets go of `values` on another thread: freeing the millions of small objects a judged
/// county holds (strings, arrays, dictionaries) takes about a second that an answer need
/// not wait for. Whichever thread drops the last reference frees them; the caller drops
/// its own when it no longer uses them.
public func releaseInBackground(_ values: Any...) {
    let box = ReleasedValues(values)
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(box) {} }
}

private final class ReleasedValues: @unchecked Sendable {
    let values: [Any]
    init(_ values: [Any]) { self.values = values }
}

