import EventStore
import Foundation

/// The findings of the log as a projection, saved beside it (`projections/findings.snapshot`,
/// ``SnapshotFile`` with magic "FPLFIND1") so that asking again, with other rules, another
/// `where`, or after the log grew by a day's work, does not judge the whole county again.
///
/// It holds a ``FindingsState``: the findings, and the few facts a tail is judged against
/// (the households open for a visit, each household's standings, the funds still holding
/// money, the policy). It is used by the same build of fprepl only (the rules live in the
/// code: the body starts with the executable's identity) and for the log it was judged
/// on (the framing checks the record at its position); otherwise the findings are judged
/// again from the first record and the file replaced. Derived data: deleting it costs
/// only time.
///
/// Body fields: 1 build; 2 a finding (1 rule, 2 stream, 3 position, 4 effective, 5 detail,
/// 6 household); 3 horizon; 4 an open visit (1 household, 2 position, 3 effective, 4
/// limit in days); 5 a household's standings (1 household, then per standing 2 position,
/// 3 effective, 4 registered 0/1, 5 what); 6 a fund still holding money; 7 a PolicySet
/// (1 effective, 2 its bytes); 8 a household's helper changes (1 household, then per
/// change 2 position, 3 effective, 4 assigned 0/1, 5 cadre); 9 a household's persons (1
/// household, 2 status, then per member's span 3 person, 4 id number, 5 position, 6
/// effective, 7 left (yyyymmdd, absent while in)); 10 a cadre (1 id, 2 id number, 3
/// position, 4 effective).
public enum FindingsSnapshot {
    static let magic = Array("FPLFIND1".utf8)
    /// Bumped whenever this layout changes (2: the state behind the findings; 3: helper changes; 4: persons).
    static let formatVersion: UInt32 = 4

    /// Where the saved findings of a store live.
    public static func path(for store: any EventLog) -> String { store.projectionsDirectory + "/findings.snapshot" }
    /// Where builds before the name "snapshot" kept them: read when there is no
    /// ``path(for:)`` yet, removed when findings are saved or removed.
    static func legacyPath(for store: any EventLog) -> String { store.projectionsDirectory + "/findings.ckpt" }

    /// Removes the saved findings (the next `findings` judges the log again).
    public static func remove(for store: any EventLog) {
        for file in [path(for: store), legacyPath(for: store)] { unlink(file) }
    }

    /// Saves the findings state of the log, judged up to its position.
    static func save(_ state: FindingsState, store: any EventLog, build: String = BuildIdentity.current) throws {
        var w = ProtoWriter()
        w.string(1, build)
        for f in state.findings {
            var m = ProtoWriter()
            m.string(1, f.rule); m.string(2, f.stream); m.varintField(3, f.position); m.varintField(4, UInt64(f.effective.rawValue))
            m.string(5, f.detail)
            if let h = f.household { m.string(6, h) }
            w.lengthDelimited(2, m.bytes)
        }
        w.varintField(3, UInt64(state.horizon.rawValue))
        for o in state.openVisits {
            var m = ProtoWriter()
            m.string(1, o.household); m.varintField(2, o.since.position); m.varintField(3, UInt64(o.since.effective.rawValue))
            m.varintField(4, UInt64(o.limitDays))
            w.lengthDelimited(4, m.bytes)
        }
        for message in state.undecodedStandings { w.lengthDelimited(5, message) }
        for (id, list) in state.standings { w.lengthDelimited(5, marked(id, list.map { ($0.mark, $0.registered, $0.what) })) }
        for message in state.undecodedHelperChanges { w.lengthDelimited(8, message) }
        for (id, list) in state.helperChanges { w.lengthDelimited(8, marked(id, list.map { ($0.mark, $0.assigned, $0.cadre) })) }
        for message in state.undecodedPersons { w.lengthDelimited(9, message) }
        for (id, p) in state.persons {
            if let saved = state.savedPersons[id] {
                w.lengthDelimited(9, saved)
                continue
            }
            var m = ProtoWriter()
            m.string(1, id)
            if let status = p.status { m.string(2, status.rawValue) }
            for s in p.spans {
                m.string(3, s.span.person); m.string(4, s.idNumber); m.varintField(5, s.span.from.position)
                m.varintField(6, UInt64(s.span.from.effective.rawValue))
                if let to = s.span.to { m.varintField(7, UInt64(to.rawValue)) }
            }
            w.lengthDelimited(9, m.bytes)
        }
        for message in state.undecodedCadres { w.lengthDelimited(10, message) }
        for (id, c) in state.cadres {
            var m = ProtoWriter()
            m.string(1, id); m.string(2, c.idNumber); m.varintField(3, c.mark.position); m.varintField(4, UInt64(c.mark.effective.rawValue))
            w.lengthDelimited(10, m.bytes)
        }
        for fund in state.heldFunds.sorted() { w.string(6, fund) }
        for p in state.policyEvents {
            var m = ProtoWriter()
            m.varintField(1, UInt64(p.effective.rawValue))
            m.lengthDelimited(2, try p.event.serializedBytes())
            w.lengthDelimited(7, m.bytes)
        }
        try SnapshotFile.save(w.bytes, to: path(for: store), replacing: legacyPath(for: store), magic: magic, version: formatVersion, position: state.position, store: store)
    }

    /// The saved findings state, when it is of this log (possibly shorter: the log may
    /// have grown since) and of this build.
    ///
    /// - Returns: the state; or `nil`, with a note when the file is there but damaged or
    ///   of another store (a file of another build is replaced silently).
    static func load(store: any EventLog, build: String = BuildIdentity.current) -> (state: FindingsState?, note: String?) {
        let file = SnapshotFile.existing(path(for: store), legacy: legacyPath(for: store))
        let (found, note) = SnapshotFile.load(file, magic: magic, version: formatVersion, store: store)
        guard let (position, body) = found else { return (nil, note) }
        var state = FindingsState(position: position, horizon: EffectiveDate.epoch,
                                  findings: [], openVisits: [], standings: [:], helperChanges: [:], persons: [:], cadres: [:],
                                  heldFunds: [], policyEvents: [])
        do {
            var saidBuild: String?
            var r = ProtoReader(bytes: body)
            while let (n, v) = try r.next() {
                switch (n, v) {
                case (1, .bytes(let b)): saidBuild = String(decoding: b, as: UTF8.self)
                case (2, .bytes(let b)): state.findings.append(try finding(Array(b)))
                case (3, .varint(let d)): state.horizon = try day(d)
                case (4, .bytes(let b)):
                    var o = HouseholdFindings.OpenVisit(household: "", since: .init(position: 0, effective: state.horizon), limitDays: 0)
                    for (n, v) in try SnapshotFile.fields(Array(b)) {
                        switch (n, v) {
                        case (1, .bytes(let t)): o.household = String(decoding: t, as: UTF8.self)
                        case (2, .varint(let p)): o.since.position = p
                        case (3, .varint(let d)): o.since.effective = try day(d)
                        case (4, .varint(let l)): o.limitDays = Int(l)
                        default: break
                        }
                    }
                    guard !o.household.isEmpty else { throw SnapshotFile.Malformed() }
                    state.openVisits.append(o)
                case (5, .bytes(let b)): state.undecodedStandings.append(b)
                case (6, .bytes(let b)): state.heldFunds.insert(String(decoding: b, as: UTF8.self))
                case (8, .bytes(let b)): state.undecodedHelperChanges.append(b)
                case (9, .bytes(let b)): state.undecodedPersons.append(b)
                case (10, .bytes(let b)): state.undecodedCadres.append(b)
                case (7, .bytes(let b)):
                    var effective: EffectiveDate?
                    var event: Fp_PolicySet?
                    for (n, v) in try SnapshotFile.fields(Array(b)) {
                        switch (n, v) {
                        case (1, .varint(let d)): effective = try day(d)
                        case (2, .bytes(let t)): event = try Fp_PolicySet(serializedBytes: Array(t))
                        default: break
                        }
                    }
                    guard let effective, let event else { throw SnapshotFile.Malformed() }
                    state.policyEvents.append((effective, event))
                default: break
                }
            }
            guard saidBuild == build else { return (nil, nil) }  // judged by another build's rules
        } catch {
            return (nil, "\(file) does not decode; judged again")
        }
        return (state, nil)
    }

    /// An entry of a household's standings or helper changes: where, a flag (registered;
    /// assigned) and a text (what; the cadre).
    typealias Marked = (mark: HouseholdFindings.Mark, flag: Bool, text: String)

    /// One household's standings (field 5) or helper changes (field 8): the household (1),
    /// then per entry its position (2), date (3), flag 0/1 (4) and text (5).
    private static func marked(_ id: String, _ entries: [Marked]) -> [UInt8] {
        var m = ProtoWriter()
        m.string(1, id)
        for e in entries {
            m.varintField(2, e.mark.position); m.varintField(3, UInt64(e.mark.effective.rawValue))
            m.varintField(4, e.flag ? 1 : 0); m.string(5, e.text)
        }
        return m.bytes
    }

    private static func marked(_ message: ArraySlice<UInt8>) throws -> (String, [Marked]) {
        var id = ""
        var list: [Marked] = []
        let unknown = EffectiveDate.epoch
        var r = ProtoReader(bytes: Array(message))
        while let (n, v) = try r.next() {
            switch (n, v) {
            case (1, .bytes(let t)): id = String(decoding: t, as: UTF8.self)
            case (2, .varint(let p)): list.append((.init(position: p, effective: unknown), false, ""))
            case (3, .varint(let d)) where !list.isEmpty: list[list.count - 1].mark.effective = try day(d)
            case (4, .varint(let x)) where !list.isEmpty: list[list.count - 1].flag = x != 0
            case (5, .bytes(let t)) where !list.isEmpty: list[list.count - 1].text = String(decoding: t, as: UTF8.self)
            default: break
            }
        }
        guard !id.isEmpty else { throw SnapshotFile.Malformed() }
        return (id, list)
    }

    /// One household's helper changes (field 8), decoded when a tail needs them.
    static func helperChanges(_ message: ArraySlice<UInt8>) throws -> (String, [HouseholdFindings.HelperChange]) {
        let (id, list) = try marked(message)
        guard list.allSatisfy({ !$0.text.isEmpty }) else { throw SnapshotFile.Malformed() }
        return (id, list.map { ($0.mark, $0.text, $0.flag) })
    }

    /// One household's status and members' spans (field 9).
    static func persons(_ message: ArraySlice<UInt8>) throws -> (String, FindingsState.Persons) {
        var id = ""
        var p = FindingsState.Persons(status: nil, spans: [])
        let unknown = EffectiveDate.epoch
        var r = ProtoReader(bytes: Array(message))
        while let (n, v) = try r.next() {
            switch (n, v) {
            case (1, .bytes(let t)): id = String(decoding: t, as: UTF8.self)
            case (2, .bytes(let t)):
                guard let status = HouseholdStatus(rawValue: String(decoding: t, as: UTF8.self)) else { throw SnapshotFile.Malformed() }
                p.status = status
            case (3, .bytes(let t)):
                p.spans.append(("", .init(household: id, person: String(decoding: t, as: UTF8.self), from: .init(position: 0, effective: unknown))))
            case (4, .bytes(let t)) where !p.spans.isEmpty: p.spans[p.spans.count - 1].idNumber = String(decoding: t, as: UTF8.self)
            case (5, .varint(let x)) where !p.spans.isEmpty: p.spans[p.spans.count - 1].span.from.position = x
            case (6, .varint(let d)) where !p.spans.isEmpty: p.spans[p.spans.count - 1].span.from.effective = try day(d)
            case (7, .varint(let d)) where !p.spans.isEmpty: p.spans[p.spans.count - 1].span.to = try day(d)
            default: break
            }
        }
        guard !id.isEmpty, p.spans.allSatisfy({ !$0.idNumber.isEmpty && $0.span.household == id }) else { throw SnapshotFile.Malformed() }
        return (id, p)
    }

    /// A cadre and its id number (field 10).
    static func cadre(_ message: ArraySlice<UInt8>) throws -> (String, (idNumber: String, mark: HouseholdFindings.Mark)) {
        var id = "", idNumber = ""
        var mark = HouseholdFindings.Mark(position: 0, effective: .epoch)
        for (n, v) in try SnapshotFile.fields(Array(message)) {
            switch (n, v) {
            case (1, .bytes(let t)): id = String(decoding: t, as: UTF8.self)
            case (2, .bytes(let t)): idNumber = String(decoding: t, as: UTF8.self)
            case (3, .varint(let x)): mark.position = x
            case (4, .varint(let d)): mark.effective = try day(d)
            default: break
            }
        }
        guard !id.isEmpty else { throw SnapshotFile.Malformed() }
        return (id, (idNumber, mark))
    }

    /// The household of a standings message (field 5), which its first field names.
    static func household(ofStandings message: ArraySlice<UInt8>) throws -> String {
        var r = ProtoReader(bytes: Array(message))
        guard case (1, .bytes(let id))? = try r.next() else { throw SnapshotFile.Malformed() }
        return String(decoding: id, as: UTF8.self)
    }

    /// One household's standings (field 5), decoded when a tail needs them.
    static func standings(_ message: ArraySlice<UInt8>) throws -> (String, [HouseholdFindings.Standing]) {
        let (id, list) = try marked(message)
        return (id, list.map { .init(mark: $0.mark, registered: $0.flag, what: $0.text) })
    }

    private static func day(_ raw: UInt64) throws -> EffectiveDate {
        guard let d = EffectiveDate(rawValue: UInt32(truncatingIfNeeded: raw)) else { throw SnapshotFile.Malformed() }
        return d
    }

    private static func finding(_ b: [UInt8]) throws -> Finding {
        var f = Finding(rule: "", stream: "", position: 0, effective: .epoch, detail: "")
        for (n, v) in try SnapshotFile.fields(b) {
            switch (n, v) {
            case (1, .bytes(let t)): f.rule = String(decoding: t, as: UTF8.self)
            case (2, .bytes(let t)): f.stream = String(decoding: t, as: UTF8.self)
            case (3, .varint(let p)): f.position = p
            case (4, .varint(let d)): f.effective = try day(d)
            case (5, .bytes(let t)): f.detail = String(decoding: t, as: UTF8.self)
            case (6, .bytes(let t)): f.household = String(decoding: t, as: UTF8.self)
            default: break
            }
        }
        guard !f.rule.isEmpty, !f.stream.isEmpty else { throw SnapshotFile.Malformed() }
        return f
    }
}

/// Which build of the program is running: its executable's path, size and modification
/// time. Saved results that the code computes (the findings) name it, so a new build
/// never serves what an older one judged.
public enum BuildIdentity {
    public static let current: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let a = try? FileManager.default.attributesOfItem(atPath: exe)
        let size = (a?[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        return "\(exe) \(size) \(Int64(modified * 1_000_000))"
    }()
}
