#if canImport(Glibc)
import Glibc
#endif

extension EventStore {
    /// Brings a read-only store up to date with what the writing process has committed
    /// since: new records in the active segment, and segments sealed and begun. A
    /// writer's view is always current, so for a writer this does nothing.
    ///
    /// - Throws: ``StoreError`` when a new segment cannot be read.
    /// - Complexity: O(bytes appended since the last refresh).
    public func refresh() throws {
        guard configuration.readOnly else { return }
        try writer.withLock { _ in  // one refresher at a time
            let names = try FileSystem.list(directory)
            var firsts = names.compactMap { StoreFiles.firstPosition(ofName: $0, suffix: StoreFiles.segmentSuffix) }
            firsts.sort()
            let (sealedCount, activeInfo) = state.withLock { s in
                (s.sealed.count, s.active.map { ($0.file, $0.committedBytes, $0.endPosition) })
            }
            var report = RecoveryReport()
            var newlySealed: [SealedSegment] = []
            var newActive: ActiveSegment?
            var next = activeInfo?.2 ?? 0

            let known = sealedCount + (activeInfo == nil ? 0 : 1)
            guard firsts.count >= known else {
                let e = StoreError(.corruptRecord, "segments disappeared: \(known) were open, \(firsts.count) remain", path: directory)
                _ = damaged(e)
                throw e
            }
            if firsts.count > known || activeInfo == nil {
                // Segments were sealed: every segment from the old active to the
                // second-to-last is now sealed; the last is the new active.
                guard let lastFirst = firsts.last else { return }
                for i in max(0, sealedCount)..<(firsts.count - 1) {
                    let segPath = path(StoreFiles.name(first: firsts[i], suffix: StoreFiles.segmentSuffix))
                    let seg = try Self.openSealed(path: segPath, first: firsts[i], sequence: UInt64(i), identity: identity, readOnly: true,
                                                  directory: directory, faults: nil, report: &report)
                    newlySealed.append(seg)
                    next = seg.endPosition
                }
                let segPath = path(StoreFiles.name(first: lastFirst, suffix: StoreFiles.segmentSuffix))
                let h = try FileHandle.open(segPath, O_RDONLY)
                let header: SegmentHeader
                do {
                    header = try Self.readHeader(h)
                    try Self.check(header, path: segPath, first: lastFirst, sequence: UInt64(firsts.count - 1), identity: identity)
                } catch {
                    h.close()
                    throw error
                }
                newActive = ActiveSegment(file: ActiveFile(handle: h, header: header), committedBytes: Int64(SegmentHeader.size),
                                          index: ActiveIndex())
                next = lastFirst
            }
            // Scan the active segment's new bytes.
            let (file, from) = newActive.map { ($0.file, $0.committedBytes) } ?? activeInfo.map { ($0.0, $0.1) } ?? (nil, 0)
            guard let file else { return }
            let size = try file.handle.size()
            let mapped = try file.mapped(covering: size)
            let scan = SegmentScan.scan(UnsafeRawBufferPointer(rebasing: mapped.bytes[0..<Int(size)]), base: 0,
                                        start: Int(from), position: next, path: file.path)
            state.withLock { s in
                if !newlySealed.isEmpty || newActive != nil {
                    s.sealed.append(contentsOf: newlySealed)
                    s.active = newActive
                }
                for e in scan.entries { s.active?.index.add(e) }
                s.active?.committedBytes = scan.committedEnd
                s.nextPosition = scan.nextPosition
                if s.damage == nil { s.damage = scan.damage }
            }
        }
    }
}
