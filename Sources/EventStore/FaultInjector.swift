import Synchronization

/// Test-only hooks that make the store's own writes and syncs fail the way a full
/// disk or a failing device would, so that fault paths are exercised through the
/// public API rather than assumed.
///
/// Set it in ``EventStore/Configuration/faults``; it is consulted before every write
/// and sync of a log segment or index.
@_spi(Testing)
public final class FaultInjector: Sendable {
    private struct State {
        var writeBudget: Int?      // bytes that may still be written before failing
        var writeErrno: Int32 = 28 // ENOSPC
        var failSyncs: Int = 0
        var syncErrno: Int32 = 5   // EIO
        var writesFailed = 0
    }

    private let state = Mutex(State())

    /// Creates an injector that lets everything through.
    public init() {}

    /// After `bytes` more bytes have been written, the next write writes what fits in
    /// the budget and then fails with `errno` (default `ENOSPC`): a disk filling up.
    public func failWrites(afterBytes bytes: Int, errno: Int32 = 28) {
        state.withLock { $0.writeBudget = bytes; $0.writeErrno = errno }
    }

    /// The next `count` syncs fail with `errno` (default `EIO`).
    public func failSyncs(_ count: Int = 1, errno: Int32 = 5) {
        state.withLock { $0.failSyncs = count; $0.syncErrno = errno }
    }

    /// Space is free again: writes succeed.
    public func heal() {
        state.withLock { $0.writeBudget = nil; $0.failSyncs = 0 }
    }

    /// How many writes have failed by injection so far.
    public var writesFailed: Int { state.withLock { $0.writesFailed } }

    /// Called before a write of `count` bytes. Returns an errno to fail with, after
    /// shrinking `count` to the part that should still reach the file.
    func beforeWrite(_ count: inout Int) -> Int32? {
        state.withLock { s in
            guard let budget = s.writeBudget else { return nil }
            if count <= budget {
                s.writeBudget = budget - count
                return nil
            }
            count = budget
            s.writeBudget = 0
            s.writesFailed += 1
            return s.writeErrno
        }
    }

    /// Called before a sync. Returns an errno to fail with.
    func beforeSync() -> Int32? {
        state.withLock { s in
            guard s.failSyncs > 0 else { return nil }
            s.failSyncs -= 1
            return s.syncErrno
        }
    }
}
