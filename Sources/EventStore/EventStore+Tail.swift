extension EventStore {
    /// Follows the log: delivers every record from `position` on, then each new one as
    /// it is appended, until the store is closed or the consuming task is cancelled.
    ///
    /// In the writing process new records arrive as soon as they are committed; a
    /// read-only store polls the directory (every `pollInterval`) for what another
    /// process appended.
    ///
    /// - Parameters:
    ///   - position: The first position to deliver.
    ///   - pollInterval: How often a read-only store looks for new records.
    /// - Returns: An asynchronous sequence of records; it ends with an error on damage.
    public func tail(from position: UInt64 = 0, pollInterval: Duration = .milliseconds(50)) -> AsyncThrowingStream<RecordedEvent, any Error> {
        let (signals, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id: Int? = state.withLock { s in
            if s.closed { return nil }
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            s.subscribers[id] = continuation
            return id
        }
        if id == nil { continuation.finish() }
        let readOnly = configuration.readOnly
        return AsyncThrowingStream { output in
            let task = Task {
                var next = position
                var wake = signals.makeAsyncIterator()
                do {
                    while !Task.isCancelled {
                        if readOnly { try self.refresh() }
                        var batch: [RecordedEvent] = []
                        try self.forEachRecord(from: next) { r in
                            batch.append(r.materialize())
                            return batch.count < 4096
                        }
                        for r in batch { output.yield(r) }
                        next += UInt64(batch.count)
                        if !batch.isEmpty { continue }
                        if self.state.withLock({ $0.closed }) { break }
                        if readOnly {
                            try await Task.sleep(for: pollInterval)
                        } else if await wake.next() == nil {
                            break
                        }
                    }
                    output.finish()
                } catch is CancellationError {
                    output.finish()
                } catch {
                    output.finish(throwing: error)
                }
            }
            output.onTermination = { _ in
                task.cancel()
                if let id {
                    let c = self.state.withLock { $0.subscribers.removeValue(forKey: id) }
                    c?.finish()
                }
            }
        }
    }
}
