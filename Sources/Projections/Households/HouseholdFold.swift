import EventStore
import SwiftProtobuf

/// An event as the folds see it: where it stands in the log and its decoded-on-demand
/// payload.
public struct LoggedEvent: Sendable, Equatable {
    public var position: UInt64
    public var version: UInt64
    public var type: String
    /// ``type`` as an enum.
    public var kind: EventKind
    public var effective: EffectiveDate
    public var recorded: RecordedTime
    public var actor: String
    public var payload: [UInt8]

    public init(position: UInt64, version: UInt64, type: String, effective: EffectiveDate, recorded: RecordedTime,
                actor: String, payload: [UInt8]) {
        self.position = position
        self.version = version
        self.type = type
        self.kind = EventKind(type: type)
        self.effective = effective
        self.recorded = recorded
        self.actor = actor
        self.payload = payload
    }

    /// An event whose kind is already known (the replay path: no lookup by name).
    public init(position: UInt64, version: UInt64, kind: EventKind, effective: EffectiveDate, recorded: RecordedTime,
                payload: [UInt8]) {
        self.position = position
        self.version = version
        self.type = kind.name
        self.kind = kind
        self.effective = effective
        self.recorded = recorded
        self.actor = ""
        self.payload = payload
    }

    public init(_ r: RecordedEvent) {
        self.init(position: r.position, version: r.version, type: r.type, effective: r.effective, recorded: r.recorded,
                  actor: r.actor, payload: r.payload)
    }

    /// The payload as a generated message.
    func decode<M: SwiftProtobuf.Message>(_: M.Type) throws -> M {
        do { return try M(serializedBytes: payload) } catch {
            throw ProjectionError(.undecodable, "the stored \(type) at position \(position) does not decode", field: "data")
        }
    }
}

/// The household fold: `(state, event) -> state`, pure and deterministic.
public enum HouseholdFold {
    /// Applies one event of a household stream. Events that make no sense in the state
    /// (validation refuses them before they are written, but a correction can leave
    /// one behind) change nothing rather than trap.
    ///
    /// - Parameters:
    ///   - state: The state before, `nil` before identification.
    ///   - event: The event.
    ///   - id: The household id (the stream name without `household-`).
    /// - Returns: The state after.
    /// - Throws: ``ProjectionError`` `undecodable` when the payload does not decode.
    public static func apply(_ state: HouseholdState?, _ event: LoggedEvent, id: String) throws -> HouseholdState? {
        var s = state
        try apply(&s, event, id: id)
        return s
    }

    /// Applies one event in place: the replay path, with no copy of the state. The id
    /// is asked for only when the event identifies the household.
    public static func apply(_ state: inout HouseholdState?, _ event: LoggedEvent, id: @autoclosure () -> String) throws {
        // Pattern matches, not `== nil`: HouseholdState is Equatable, and comparing
        // optionals of it would copy the whole state on every event.
        var exists = false
        if case .some = state { exists = true }
        if event.kind == .householdIdentified {
            guard !exists || state?.status == .removed else { touch(&state, event); return }
            let m = try event.decode(Fp_HouseholdIdentified.self)
            state = HouseholdState(
                id: id(), village: m.village, status: .poor, attribute: m.attribute.rawValue, standard: m.standard.rawValue,
                mainCause: m.mainCause.rawValue, otherCauses: m.otherCauses.map(\.rawValue), members: m.members.map(member),
                identifiedYear: Int(m.identifiedYear), identifiedOn: event.effective, omissionCorrection: m.omissionCorrection,
                exitYear: nil, exitedOn: nil, income: nil, guarantees: nil, helpers: [], measures: [], monitored: false,
                monitoredSince: nil, relocationDebt: nil, version: event.version, position: event.position)
            return
        }
        guard exists else { return }
        try update(&state, event)
        touch(&state, event)
    }

    private static func update(_ s: inout HouseholdState?, _ event: LoggedEvent) throws {
        guard let status = s?.status else { return }
        switch event.kind {
        case .memberChanged:
            let m = try event.decode(Fp_MemberChanged.self)
            switch m.change {
            case .birth, .marriedIn, .movedIn:
                if s?.members.contains(where: { $0.personID == m.person.personID }) == false { s?.members.append(member(m.person)) }
            case .death, .marriedOut, .split, .movedOut:
                s?.members.removeAll { $0.personID == m.person.personID }
            default: break
            }
        case .incomeAssessed:
            let m = try event.decode(Fp_IncomeAssessed.self)
            let t = m.transfer
            let transfer = t.minimumLivingFen + t.extremePovertySupportFen + t.pensionFen + t.ecologicalCompensationFen + t.otherFen
            let net = m.wageFen + m.businessFen - m.businessExpenseFen + m.propertyFen + transfer
            let members = s?.members.count ?? 0
            let people = max(1, members)
            s?.income = IncomeSummary(year: Int(m.year), net: Fen(net), perCapita: Fen(divideRounding(net, Int64(people))),
                                     transfer: Fen(transfer), members: members, position: event.position,
                                     effective: event.effective)
        case .guaranteesAssessed:
            let m = try event.decode(Fp_GuaranteesAssessed.self)
            s?.guarantees = GuaranteesSummary(passed: HouseholdRules.guaranteesPass(m), effective: event.effective, position: event.position)
        case .helperAssigned:
            let m = try event.decode(Fp_HelperAssigned.self)
            if s?.helpers.contains(m.cadre) == false { s?.helpers.append(m.cadre) }
        case .helperReleased:
            let m = try event.decode(Fp_HelperReleased.self)
            s?.helpers.removeAll { $0 == m.cadre }
        case .measureApplied:
            let m = try event.decode(Fp_MeasureApplied.self)
            s?.measures.append(MeasureSummary(category: m.category.rawValue, addresses: m.addresses.rawValue))
        case .exitApproved:
            guard status.isPoor else { break }
            let m = try event.decode(Fp_ExitApproved.self)
            s?.status = .exited
            if let earlier = s?.exitYear { s?.earlierExitYears.append(earlier) }
            s?.exitYear = Int(m.exitYear)
            s?.exitedOn = event.effective
        case .returnedToPoverty:
            guard status.hasExited else { break }
            s?.status = .returned
        case .removedAsMisidentified:
            guard status != .removed else { break }
            s?.status = .removed
            s?.monitored = false
        case .entitlementEnded:
            guard status == .exited else { break }
            s?.status = .exitedNoPolicy
        case .monitoringEnrolled:
            guard status != .removed else { break }
            s?.monitored = true
            s?.monitoredSince = event.effective
        case .riskEliminated:
            s?.monitored = false
            s?.monitoredSince = nil
        case .relocationRecorded:
            let m = try event.decode(Fp_RelocationRecorded.self)
            s?.relocationDebt = Fen(m.selfRaisedDebtFen)
        default:
            break  // visits, loans, surveys: kept by other projections
        }
    }

    private static func touch(_ state: inout HouseholdState?, _ event: LoggedEvent) {
        state?.version = event.version
        state?.position = event.position
    }

    static func member(_ p: Fp_Person) -> Member {
        Member(personID: p.personID, name: p.name, idNumber: p.idNumber, relation: p.relation,
               health: p.health.rawValue, labor: p.labor.rawValue)
    }

    /// `a / b` rounded to the nearest integer, halves away from zero.
    static func divideRounding(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b, r = a % b
        if 2 * abs(r) >= abs(b) { return q + (a >= 0 ? 1 : -1) }
        return q
    }
}
