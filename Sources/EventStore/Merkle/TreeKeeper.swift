import Dispatch
import Synchronization

/// Brings the store's Merkle tree up to date in the background, on a serial queue, as
/// the writer publishes records: the writer hands over a position and goes on writing,
/// the hashing runs on the other core. Requests coalesce: however many arrive while
/// one catch-up runs, the next catch-up goes to the latest.
///
/// Nothing depends on it for correctness: a digest, a proof, or the sealing of a
/// segment brings the tree up to date itself first (the tree's lock keeps the two from
/// hashing the same records twice).
final class TreeKeeper: Sendable {
    private struct Pending {
        var target: UInt64 = 0
        var scheduled = false
    }

    private let pending = Mutex(Pending())
    private let queue = DispatchQueue(label: "fp-ledger.tree-keeper")

    /// The log now ends at `end`; hash up to there soon.
    func grew(to end: UInt64, work: @escaping @Sendable (UInt64) -> Void) {
        let schedule = pending.withLock { p -> Bool in
            p.target = max(p.target, end)
            if p.scheduled { return false }
            p.scheduled = true
            return true
        }
        guard schedule else { return }
        queue.async { [self] in
            while true {
                let target = self.pending.withLock { p -> UInt64? in
                    if p.target == 0 {
                        p.scheduled = false
                        return nil
                    }
                    defer { p.target = 0 }
                    return p.target
                }
                guard let target else { return }
                work(target)
            }
        }
    }

    /// Waits until no catch-up is running or scheduled (for close).
    func drain() {
        queue.sync {}
    }
}
