import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reads ahead of `verify`'s cores on a thread of its own. Shortly before a core takes a
/// piece it touches a byte of each page of the piece's records, so that the kernel reads
/// them from disk while the cores hash the pieces before (a scan that faults its own pages
/// in waits for each read), and asks for the piece's kept leaf hashes. Reaching a sealed
/// segment, it checks its index's checksum. Touching waits for the disk: the hashing cores
/// never do it.
final class VerifyReader: Sendable {
    /// The pieces the cores have taken: the next one to take.
    let taken = Atomic<Int>(0)
    private let stop = Atomic<Bool>(false)
    private let indexDamage = Mutex<StoreError?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(store: EventStore, pieces: VerifyPieces, sealed: [SealedSegment]) {
        let thread = Thread { [self] in
            var indexed = 0
            /// Checks the indexes of the segments that start before `end`, in order.
            func checkIndexes(before end: UInt64) {
                while indexed < sealed.count, sealed[indexed].firstPosition < end {
                    let seg = sealed[indexed]
                    indexed += 1
                    guard !seg.index.verifyBody() else { continue }
                    let e = StoreError(.corruptRecord, "index checksum mismatch for segment \(seg.path)",
                                       path: StoreFiles.name(first: seg.firstPosition, suffix: StoreFiles.indexSuffix))
                    indexDamage.withLock { if $0 == nil { $0 = e } }
                }
            }
            var k = 0
            while k < pieces.count, !stop.load(ordering: .relaxed) {
                // The pieces being hashed and the next one.
                guard k <= taken.load(ordering: .relaxed) else {
                    usleep(1000)
                    continue
                }
                let range = pieces.range(k)
                checkIndexes(before: range.upperBound)
                touch(range, sealed: sealed)
                store.tree.readAhead(height: 0, range)
                k += 1
            }
            checkIndexes(before: .max)
            finished.signal()
        }
        thread.name = "fp-ledger.verify-reader"
        thread.start()
    }

    /// Touches a byte of each page of the records `positions` in sealed segments.
    private func touch(_ positions: Range<UInt64>, sealed: [SealedSegment]) {
        for seg in sealed where seg.endPosition > positions.lowerBound && seg.firstPosition < positions.upperBound {
            let from = positions.lowerBound > seg.firstPosition ? Int(seg.index.seek(to: positions.lowerBound).offset) : 0
            // The sparse index gives an offset at or before a position: go on a little.
            let to = positions.upperBound < seg.endPosition ? Int(seg.index.seek(to: positions.upperBound).offset) + (256 << 10) : seg.data.count
            MemoryTouch.touch(seg.data.bytes, from..<to, every: 4096)
        }
    }

    /// Stops reading ahead, waits for the index checks, and returns the first damaged
    /// index (in log order).
    func finish() -> StoreError? {
        stop.store(true, ordering: .relaxed)
        finished.wait()
        return indexDamage.withLock { $0 }
    }
}
