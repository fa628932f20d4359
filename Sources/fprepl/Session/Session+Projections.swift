import EventStore
import Foundation
import Projections

/// The projections a session keeps between commands, rebuilt only when the asof point
/// or the log changed.
extension Session {
    /// Every household and village as of the asof point; rebuilt only when the asof
    /// point or the log changed since the last command.
    func county() throws -> CountyState {
        let store = try store()
        if let c = countyCache, c.asOf == asOf, c.end == store.endPosition { return c.state }
        let state: CountyState
        // Folding the county can take seconds (10^5 households, or any asof point):
        // a bar on a terminal, and a place where Ctrl-C stops the command.
        let progress = Progress(label: "folding the county", enabled: showsProgress)
        do {
            defer { progress.finish() }
            if asOf == .now {
                // From the snapshot beside the log when it is valid; refreshed when stale.
                let (s, note) = try CountyBuilder.now(store, save: !readOnly, progress: progress.counting("events"))
                progress.finish()
                if let note { printError("warning: " + note) }
                state = s
            } else {
                state = try CountyBuilder.build(store, asOf: asOf, progress: progress.counting("events"))
            }
        } catch is Interrupted {
            throw CommandInterrupted(whole: "interrupted (Ctrl-C) while folding the county: nothing was shown")
        }
        countyCache = (asOf, store.endPosition, state)
        return state
    }

    /// `rebuild`: every projection folded from the first record, the snapshot beside
    /// the log replaced (unless read-only), with a progress bar on a terminal.
    func rebuildCounty() throws -> (state: CountyState, events: UInt64, seconds: Double) {
        let store = try store()
        let progress = Progress(label: "rebuilding", enabled: showsProgress)
        let clock = ContinuousClock()
        let start = clock.now
        let state: CountyState
        do {
            state = try CountyBuilder.build(store, asOf: .now, progress: progress.counting("events"))
        } catch is Interrupted {
            progress.finish()
            throw CommandInterrupted("rebuild", "the projections and the snapshot were left as they were")
        }
        let seconds = (clock.now - start).seconds
        progress.finish()
        if !readOnly {
            try? CountySnapshot.save(state, store: store)
            // Every projection from the first record: the saved findings go too (the next
            // `findings` judges them again).
            FindingsSnapshot.remove(for: store)
        }
        countyCache = (.now, store.endPosition, state)
        return (state, store.endPosition, seconds)
    }

    /// The ids of the store's streams of a category (funds, projects), for tab
    /// completion: one pass over the records' names, kept until the log grows.
    func streamIDs(_ category: StreamCategory) -> [String] {
        guard let store = try? store() else { return [] }
        let prefix = category.prefix
        if let c = streamIDCache, c.end == store.endPosition, let ids = c.ids[prefix] { return ids }
        var found = Set<String>()
        let bytes = Array(prefix.utf8)
        try? store.forEachRecord { r in
            if r.streamBytes.starts(with: bytes) { found.insert(String(r.stream.dropFirst(prefix.count))) }
            return true
        }
        var ids = streamIDCache?.end == store.endPosition ? streamIDCache?.ids ?? [:] : [:]
        ids[prefix] = found.sorted()
        streamIDCache = (store.endPosition, ids)
        return ids[prefix] ?? []
    }

    /// The ids Tab offers for a kind of stream.
    func completionIDs(_ kind: Completion.IDKind) -> [String] {
        completing = true
        defer { completing = false }
        switch kind {
        // The household projection (from the snapshot when there is one).
        case .household: return (try? county().households.keys.sorted()) ?? []
        case .fund, .project: return streamIDs(kind.category)
        }
    }
}
