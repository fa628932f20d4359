extension EventStore {
    /// What ``verify(progress:)`` found.
    public struct VerifyReport: Sendable, Equatable {
        /// Records whose checksum and position were checked.
        public var records: UInt64
        /// Segment bytes read.
        public var bytes: Int64
        /// The first damage found, with its segment, offset and position; `nil` when
        /// every record is whole.
        public var damage: StoreError?
    }

    /// Reads every record of the log and checks its checksum and position, and checks
    /// the checksum of every persisted index. Stops at the first damage and reports it;
    /// damage makes the store refuse appends.
    ///
    /// - Parameter progress: Called now and then with the position reached and the
    ///   number of records, for a progress bar.
    /// - Returns: The report.
    /// - Complexity: O(n) in the size of the log.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) -> VerifyReport {
        let (sealed, total, committed, activePath) = state.withLock { s in
            (s.sealed, s.nextPosition, s.active?.committedBytes ?? 0, s.active?.file.path)
        }
        var report = VerifyReport(records: 0, bytes: 0, damage: nil)
        for seg in sealed where !seg.index.verifyBody() {
            let e = damaged(StoreError(.corruptRecord, "index checksum mismatch for segment \(seg.path)",
                                       path: StoreFiles.name(first: seg.firstPosition, suffix: StoreFiles.indexSuffix)))
            report.damage = e
            return report
        }
        do {
            try forEachRecord(from: 0, through: total == 0 ? nil : total - 1) { r in
                report.records += 1
                if report.records & 0xFFFF == 0 { progress?(r.position, total) }
                return true
            }
        } catch {
            report.damage = Self.storeError(error, activePath ?? directory)
        }
        report.bytes = sealed.reduce(0) { $0 + Int64($1.data.count) } + committed
        progress?(report.records, total)
        return report
    }
}
