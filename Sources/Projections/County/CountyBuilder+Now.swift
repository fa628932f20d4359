import EventStore

extension CountyBuilder {
    /// The county as of now, from the store's snapshot when it is valid (replaying
    /// only what came after it), saving a new snapshot when more than `saveAfter`
    /// records had to be replayed.
    ///
    /// - Returns: the state, and a note when a snapshot was found but not trusted.
    public static func now(_ store: any EventLog, save: Bool, saveAfter: UInt64 = 10_000,
                           progress: ((UInt64, UInt64) throws -> Void)? = nil) throws -> (state: CountyState, note: String?) {
        let (snapshot, note) = CountySnapshot.load(store: store)
        let state = try build(store, asOf: .now, progress: progress, from: snapshot)
        let replayed = store.endPosition - (snapshot?.position.map { $0 + 1 } ?? 0)
        if save && replayed > saveAfter { try? CountySnapshot.save(state, store: store) }
        return (state, note)
    }
}
