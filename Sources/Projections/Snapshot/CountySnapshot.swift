import EventStore
import Foundation

/// The county projection saved beside the log (`<store>/projections/county.snapshot`),
/// so that opening a store replays only the records after it.
///
/// A snapshot names the store it belongs to (its random id), the last position folded
/// and the checksum of the record there, and carries a checksum of its own bytes
/// (``SnapshotFile``, magic "FPLCKPT1"). It is used only when all of them match the
/// log as it is now; otherwise it is ignored, the projection is rebuilt from the start,
/// and the reason is reported. It is derived data: deleting it costs only time.
public enum CountySnapshot {
    static let magic = Array("FPLCKPT1".utf8)
    /// Bumped whenever the fold or this layout changes: an older snapshot is rebuilt.
    static let formatVersion: UInt32 = 2  // 2: the years of earlier exits (field 23)

    /// Where the snapshot of a store lives.
    public static func path(for store: any EventLog) -> String { store.projectionsDirectory + "/county.snapshot" }
    /// Where builds before the name "snapshot" kept it: read when there is no
    /// ``path(for:)`` yet, removed when a snapshot is saved.
    static func legacyPath(for store: any EventLog) -> String { store.projectionsDirectory + "/county.ckpt" }

    /// Saves a state built as of ``AsOf/now`` (atomically: a temporary file, then rename).
    ///
    /// - Throws: the file system's errors; a store whose directory is not writable
    ///   simply keeps no snapshot.
    public static func save(_ state: CountyState, store: any EventLog) throws {
        guard let position = state.position else { return }
        var w = ProtoWriter()
        encode(state, into: &w)
        try SnapshotFile.save(w.bytes, to: path(for: store), replacing: legacyPath(for: store), magic: magic, version: formatVersion, position: position, store: store)
    }

    /// Loads the snapshot if it belongs to this log as it is now.
    ///
    /// - Returns: the state, or `nil` and why not.
    public static func load(store: any EventLog) -> (state: CountyState?, note: String?) {
        let file = SnapshotFile.existing(path(for: store), legacy: legacyPath(for: store))
        let (found, note) = SnapshotFile.load(file, magic: magic, version: formatVersion, store: store)
        guard let (position, body) = found else { return (nil, note) }
        guard var state = try? decode(body) else { return (nil, "\(file) does not decode; rebuilt") }
        state.position = position
        return (state, nil)
    }


    // MARK: - The body

    static func encode(_ s: CountyState, into w: inout ProtoWriter) {
        for id in s.households.keys.sorted() {
            guard let h = s.households[id] else { continue }
            var m = ProtoWriter()
            m.string(1, h.id); m.string(2, h.village); m.string(3, h.status.rawValue)
            m.varintField(4, UInt64(h.attribute)); m.varintField(5, UInt64(h.standard)); m.varintField(6, UInt64(h.mainCause))
            for c in h.otherCauses { m.varintField(7, UInt64(c)) }
            for p in h.members {
                var pm = ProtoWriter()
                pm.string(1, p.personID); pm.string(2, p.name); pm.string(3, p.idNumber); pm.string(4, p.relation)
                pm.varintField(5, UInt64(p.health)); pm.varintField(6, UInt64(p.labor))
                m.lengthDelimited(8, pm.bytes)
            }
            m.varintField(9, UInt64(h.identifiedYear)); m.varintField(10, UInt64(h.identifiedOn.rawValue))
            m.varintField(11, h.omissionCorrection ? 1 : 0)
            if let y = h.exitYear { m.varintField(12, UInt64(y)) }
            if let d = h.exitedOn { m.varintField(13, UInt64(d.rawValue)) }
            if let i = h.income {
                var im = ProtoWriter()
                im.varintField(1, UInt64(i.year)); im.varintField(2, UInt64(bitPattern: i.net.value))
                im.varintField(3, UInt64(bitPattern: i.perCapita.value)); im.varintField(4, UInt64(bitPattern: i.transfer.value))
                im.varintField(5, UInt64(i.members)); im.varintField(6, i.position); im.varintField(7, UInt64(i.effective.rawValue))
                m.lengthDelimited(14, im.bytes)
            }
            if let g = h.guarantees {
                var gm = ProtoWriter()
                gm.varintField(1, g.passed ? 1 : 0); gm.varintField(2, UInt64(g.effective.rawValue)); gm.varintField(3, g.position)
                m.lengthDelimited(15, gm.bytes)
            }
            for c in h.helpers { m.string(16, c) }
            for x in h.measures { m.varintField(17, UInt64(x.category) << 8 | UInt64(x.addresses)) }
            m.varintField(18, h.monitored ? 1 : 0)
            if let d = h.monitoredSince { m.varintField(19, UInt64(d.rawValue)) }
            if let d = h.relocationDebt { m.varintField(20, UInt64(bitPattern: d.value)) }
            m.varintField(21, h.version); m.varintField(22, h.position)
            for y in h.earlierExitYears { m.varintField(23, UInt64(y)) }
            w.lengthDelimited(1, m.bytes)
        }
        for code in s.villages.keys.sorted() {
            guard let v = s.villages[code] else { continue }
            var m = ProtoWriter()
            m.string(1, v.code); m.string(2, v.name); m.string(3, v.town); m.string(4, v.county)
            m.varintField(5, UInt64(v.households)); m.varintField(6, UInt64(v.population)); m.varintField(7, v.designatedPoor ? 1 : 0)
            if let y = v.exitYear { m.varintField(8, UInt64(y)) }
            w.lengthDelimited(2, m.bytes)
        }
        for e in s.policyEvents {
            var m = ProtoWriter()
            m.varintField(1, UInt64(e.effective.rawValue))
            m.lengthDelimited(2, (try? e.event.serializedBytes()) ?? [])
            w.lengthDelimited(3, m.bytes)
        }
        w.varintField(4, UInt64(s.eventsFolded))
    }


    static func decode(_ body: [UInt8]) throws -> CountyState {
        var s = CountyState()
        let top = try SnapshotFile.fields(body)
        // Sized once: growing a dictionary of 10^5 households rehashes them again and again.
        s.households.reserveCapacity(top.reduce(0) { $0 + ($1.0 == 1 ? 1 : 0) })
        for (n, v) in top {
            switch (n, v) {
            case (1, .bytes(let b)):
                let h = try decodeHousehold(Array(b))
                s.households[h.id] = h
            case (2, .bytes(let b)):
                var v = VillageState(code: "", name: "", town: "", county: "", households: 0, population: 0, designatedPoor: false, exitYear: nil)
                for (k, x) in try SnapshotFile.fields(Array(b)) {
                    switch (k, x) {
                    case (1, .bytes(let t)): v.code = String(decoding: t, as: UTF8.self)
                    case (2, .bytes(let t)): v.name = String(decoding: t, as: UTF8.self)
                    case (3, .bytes(let t)): v.town = String(decoding: t, as: UTF8.self)
                    case (4, .bytes(let t)): v.county = String(decoding: t, as: UTF8.self)
                    case (5, .varint(let i)): v.households = Int(i)
                    case (6, .varint(let i)): v.population = Int(i)
                    case (7, .varint(let i)): v.designatedPoor = i != 0
                    case (8, .varint(let i)): v.exitYear = Int(i)
                    default: break
                    }
                }
                s.villages[v.code] = v
            case (3, .bytes(let b)):
                var day: EffectiveDate?
                var event: Fp_PolicySet?
                for (k, x) in try SnapshotFile.fields(Array(b)) {
                    if k == 1, case .varint(let d) = x { day = EffectiveDate(rawValue: UInt32(truncatingIfNeeded: d)) }
                    if k == 2, case .bytes(let t) = x { event = try Fp_PolicySet(serializedBytes: Array(t)) }
                }
                guard let day, let event else { throw SnapshotFile.Malformed() }
                s.policyEvents.append((day, event))
                s.policy.apply(event)
            case (4, .varint(let n)): s.eventsFolded = Int(n)
            default: break
            }
        }
        return s
    }

    static func decodeHousehold(_ b: [UInt8]) throws -> HouseholdState {
        guard let placeholder = EffectiveDate(year: 2000, month: 1, day: 1) else { throw SnapshotFile.Malformed() }
        var h = HouseholdState(id: "", village: "", status: .poor, attribute: 0, standard: 0, mainCause: 0, otherCauses: [], members: [],
                               identifiedYear: 0, identifiedOn: placeholder,
                               omissionCorrection: false, exitYear: nil, exitedOn: nil, income: nil, guarantees: nil, helpers: [],
                               measures: [], monitored: false, monitoredSince: nil, relocationDebt: nil, version: 0, position: 0)
        func text(_ t: ArraySlice<UInt8>) -> String { String(decoding: t, as: UTF8.self) }
        func day(_ v: UInt64) throws -> EffectiveDate {
            guard let d = EffectiveDate(rawValue: UInt32(truncatingIfNeeded: v)) else { throw SnapshotFile.Malformed() }
            return d
        }
        var household = ProtoReader(bytes: b)
        while let (n, v) = try household.next() {
            switch (n, v) {
            case (1, .bytes(let t)): h.id = text(t)
            case (2, .bytes(let t)): h.village = text(t)
            case (3, .bytes(let t)):
                guard let st = HouseholdStatus(rawValue: text(t)) else { throw SnapshotFile.Malformed() }
                h.status = st
            case (4, .varint(let i)): h.attribute = Int(i)
            case (5, .varint(let i)): h.standard = Int(i)
            case (6, .varint(let i)): h.mainCause = Int(i)
            case (7, .varint(let i)): h.otherCauses.append(Int(i))
            case (8, .bytes(let t)):
                var m = Member(personID: "", name: "", idNumber: "", relation: "", health: 0, labor: 0)
                var member = ProtoReader(bytes: Array(t))
                while let (k, x) = try member.next() {
                    switch (k, x) {
                    case (1, .bytes(let s)): m.personID = text(s)
                    case (2, .bytes(let s)): m.name = text(s)
                    case (3, .bytes(let s)): m.idNumber = text(s)
                    case (4, .bytes(let s)): m.relation = text(s)
                    case (5, .varint(let i)): m.health = Int(i)
                    case (6, .varint(let i)): m.labor = Int(i)
                    default: break
                    }
                }
                h.members.append(m)
            case (9, .varint(let i)): h.identifiedYear = Int(i)
            case (10, .varint(let i)): h.identifiedOn = try day(i)
            case (11, .varint(let i)): h.omissionCorrection = i != 0
            case (12, .varint(let i)): h.exitYear = Int(i)
            case (13, .varint(let i)): h.exitedOn = try day(i)
            case (14, .bytes(let t)):
                var f = [UInt64](repeating: 0, count: 8)  // by field number; absent: 0
                var income = ProtoReader(bytes: Array(t))
                while let (k, x) = try income.next() { if case .varint(let i) = x, k < 8 { f[k] = i } }
                h.income = IncomeSummary(year: Int(f[1]), net: Fen(Int64(bitPattern: f[2])), perCapita: Fen(Int64(bitPattern: f[3])),
                                         transfer: Fen(Int64(bitPattern: f[4])), members: Int(f[5]), position: f[6],
                                         effective: try day(f[7]))
            case (15, .bytes(let t)):
                var f = [UInt64](repeating: 0, count: 4)
                var guarantees = ProtoReader(bytes: Array(t))
                while let (k, x) = try guarantees.next() { if case .varint(let i) = x, k < 4 { f[k] = i } }
                h.guarantees = GuaranteesSummary(passed: f[1] == 1, effective: try day(f[2]), position: f[3])
            case (16, .bytes(let t)): h.helpers.append(text(t))
            case (17, .varint(let i)): h.measures.append(MeasureSummary(category: Int(i >> 8), addresses: Int(i & 0xFF)))
            case (18, .varint(let i)): h.monitored = i != 0
            case (19, .varint(let i)): h.monitoredSince = try day(i)
            case (20, .varint(let i)): h.relocationDebt = Fen(Int64(bitPattern: i))
            case (21, .varint(let i)): h.version = i
            case (22, .varint(let i)): h.position = i
            case (23, .varint(let i)): h.earlierExitYears.append(Int(i))
            default: break
            }
        }
        return h
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }
}
