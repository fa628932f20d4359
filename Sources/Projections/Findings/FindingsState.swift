import EventStore

/// The findings of a whole log as a projection that moves with it: what was judged up to
/// a position, kept in the pieces a later tail can change (`docs/findings.md`, "Kept
/// current"), and saved beside the log (``FindingsSnapshot``).
///
/// A tail of everyday work (visits, assessments, measures, exits, loans, surveys,
/// helpers, members, identifications, returns to poverty, removals, ends of entitlement,
/// money moving in funds, and corrections of the first of those) changes the findings of
/// the households and funds it touches, every cadre's load when it changes a helper,
/// every id number's findings when it changes who is where, the payments found against a
/// household it registers, every payment to one whose registration it ends, and, when
/// it moves the end of the record, the findings that are open until then: those are
/// judged again, households and funds from their own streams, and the rest is kept. A
/// tail that could change more (a policy, a cadre, a project, a correction of a change
/// of registration or members) is judged afresh from the first record, as is a long one.
struct FindingsState {
    /// The last record judged.
    var position: UInt64
    /// The day the record ended then (the latest effective date in the log).
    var horizon: EffectiveDate
    /// Every finding but the no-visit ones that are open until the end of the record.
    var findings: [Finding]
    /// Households waiting for a visit when the record ends (their no-visit findings
    /// are made from these and the horizon).
    var openVisits: [HouseholdFindings.OpenVisit]
    /// Each household's standings, in date order: what disbursed-to-ineligible checks a
    /// payment against. Only a tail that ends a household's registration or begins it
    /// changes them, and such a tail is judged afresh.
    var standings: [String: [HouseholdFindings.Standing]]
    /// Standings as read from a saved file and not decoded yet (one message a household,
    /// ``FindingsSnapshot``): only a tail that moves money needs them.
    var undecodedStandings: [ArraySlice<UInt8>] = []
    /// Each household's helper changes (those that have any): what helper-overloaded
    /// counts a cadre's households from.
    var helperChanges: [String: [HouseholdFindings.HelperChange]]
    /// Helper changes as read from a saved file and not decoded yet: only a tail that
    /// assigns or releases a helper needs them.
    var undecodedHelperChanges: [ArraySlice<UInt8>] = []
    /// Each household's status and members' spans: what duplicate-person and
    /// helper-is-beneficiary are judged from.
    var persons: [String: Persons]
    /// Persons as read from a saved file and not decoded yet: only a tail that changes
    /// members, identifies a household or changes a status a cadre's finding names needs them.
    var undecodedPersons: [ArraySlice<UInt8>] = []
    /// Each decoded household's persons message as it was read, while ``persons`` still
    /// holds what it says: saving writes it back as it is instead of encoding it again
    /// (a tail that changes one household's members decodes them all).
    var savedPersons: [String: ArraySlice<UInt8>] = [:]
    /// The cadres and their id numbers (helper-is-beneficiary); decoded with the persons.
    var cadres: [String: (idNumber: String, mark: HouseholdFindings.Mark)]
    var undecodedCadres: [ArraySlice<UInt8>] = []

    /// A household's status and its members' spans.
    struct Persons {
        var status: HouseholdStatus?
        var spans: [HouseholdFindings.Span]
    }

    /// Funds still holding money at the end of the record (their funds-idle findings
    /// count the days to it).
    var heldFunds: Set<String>
    /// The PolicySets folded, as the county keeps them (the policy of each day).
    var policyEvents: [(effective: EffectiveDate, event: Fp_PolicySet)]

    /// Every finding, in log order of the evidence (then rule, stream, detail).
    var all: [Finding] {
        var out = findings + openVisits.compactMap { $0.finding(horizon: horizon) }
        out.sort(by: Finding.logOrder)
        return out
    }

    /// The kinds of household event whose findings are the household's own.
    static let ownKinds: Set<EventKind> = [
        .visitRecorded, .incomeAssessed, .guaranteesAssessed, .measureApplied, .surveyRecorded, .loanIssued, .loanRepaid,
        .loanOverdue, .relocationRecorded, .monitoringEnrolled, .riskEliminated, .exitApproved, .helperAssigned, .helperReleased,
    ]
    /// The kinds of household event that change who is in which household, or a status
    /// a cadre's finding names: the persons are judged again.
    static let personKinds: Set<EventKind> = [.memberChanged, .householdIdentified, .returnedToPoverty, .removedAsMisidentified,
                                              .entitlementEnded]
    /// The kinds that change a household's standing (registered or not from a day).
    static let standingKinds: Set<EventKind> = [.householdIdentified, .returnedToPoverty, .removedAsMisidentified, .entitlementEnded]
    static let fundKinds: Set<EventKind> = [.fundAllocated, .fundTransferred, .fundDisbursed, .fundReturned]
    static let fundPrefix = Array(StreamCategory.fund.prefix.utf8)

    /// The state after the log's records up to `end` (exclusive), judged from this one and
    /// the tail; `nil` when the tail asks for judging afresh.
    ///
    /// - Complexity: one pass over the tail, then each touched household's and fund's
    ///   stream (and the projects a touched fund paid), and a sort of the findings.
    func advanced(in store: any EventLog, to end: UInt64) throws -> FindingsState? {
        let first = position + 1
        guard end > first else { return self }
        // A long tail touches most of the county: judging afresh costs no more.
        guard end - first <= max(20_000, end / 16) else { return nil }
        guard let tail = try scanTail(of: store, from: first, to: end),
              let paidRestanding = try tail.paymentsToRestanding() else { return nil }

        var next = self
        next.position = end - 1
        next.horizon = tail.latest
        var county = CountyState()
        county.policyEvents = policyEvents
        let refunds = tail.latest == horizon ? tail.funds : tail.funds.union(heldFunds)
        try next.dropFindingsJudgedAgain(tail, refunds: refunds)
        try next.judgeHouseholdsAgain(tail, county: county)
        if tail.personsChanged { next.judgePersonsAgain() }
        if tail.helpersChanged { next.judgeHelperLoadsAgain(county: county) }
        let trails = try tail.trails(of: refunds)
        try next.judgePaymentsAgain(trails, tail: tail, paidRestanding: paidRestanding)
        try next.judgeFundsAgain(trails, tail: tail, county: county)
        return next
    }
}

/// What a tail of the log touches, as one pass over it finds: what ``FindingsState/advanced(in:to:)``
/// judges again.
private struct FindingsTail {
    let store: any EventLog
    /// The first record of the tail.
    let first: UInt64
    /// The record after the tail (exclusive).
    let end: UInt64
    /// The latest effective date in the log up to the tail's end.
    var latest: EffectiveDate
    /// The households and funds whose streams the tail writes to.
    var households = Set<String>(), funds = Set<String>()
    /// Funds with a payment corrected: every payment's disbursed-to-ineligible again.
    var correctedFunds = Set<String>()
    /// A helper assigned or released: every cadre's load counted again.
    var helpersChanged = false
    /// Members or a status a cadre's finding names changed: every person judged again.
    var personsChanged = false
    /// Households registered, removed or no longer entitled in the tail: every payment
    /// to them judged again with their new standings.
    var restanding = Set<String>()

    /// A stream's events up to the tail's end: records after it (another writer's) wait
    /// for the next time.
    func read(_ stream: String) throws -> [LoggedEvent] {
        try store.readStream(stream).lazy.filter { $0.position < end }.map(LoggedEvent.init)
    }

    /// Every payment to a household whose standing changed, as the funds' trails see
    /// them; `nil` when one was corrected (judged afresh then).
    func paymentsToRestanding() throws -> [FundTrail]? {
        guard !restanding.isEmpty else { return [] }
        return try FindingsState.payments(to: restanding, in: store, before: end)
    }

    /// The trails of the funds judged again, to the new end of the record.
    func trails(of refunds: Set<String>) throws -> [FundTrail] {
        var trails: [FundTrail] = []
        for fund in refunds.sorted() {
            trails.append(try FundTrail.build(fund: fund, events: try read(StreamCategory.fund.stream(fund)), asOf: .now, until: latest))
        }
        return trails
    }
}

extension FindingsState {
    /// Scans the tail for the households and funds it touches; `nil` when it asks for judging afresh.
    private func scanTail(of store: any EventLog, from first: UInt64, to end: UInt64) throws -> FindingsTail? {
        let beneficiaries = Set(findings.lazy.filter { $0.rule == "helper-is-beneficiary" }.compactMap(\.household))
        var tail = FindingsTail(store: store, first: first, end: end, latest: horizon)
        var ownOnly = true
        try store.forEachRecord(from: first, through: end - 1) { r in
            if r.effective > tail.latest { tail.latest = r.effective }
            var kind = EventKind(typeBytes: r.typeBytes)
            // A correction is judged as the kind of event it corrects (in its own stream).
            let corrects = kind == .correction
            if corrects {
                let target = try Fp_Correction(serializedBytes: Array(r.payload)).target
                guard target < end, case let corrected = try store.record(at: target), corrected.stream == r.stream else {
                    ownOnly = false
                    return false
                }
                kind = EventKind(type: corrected.type)
            }
            switch StreamPrefix.of(r.streamBytes) {
            case .household:
                let id = String(r.stream.dropFirst(StreamPrefix.household.count))
                let person = Self.personKinds.contains(kind)
                // A correction of who was identified or returned: judged afresh.
                ownOnly = (Self.ownKinds.contains(kind) || person) && !(corrects && person)
                tail.households.insert(id)
                if kind == .helperAssigned || kind == .helperReleased { tail.helpersChanged = true }
                // An exit changes the status a helper-is-beneficiary finding names.
                if person || (kind == .exitApproved && beneficiaries.contains(id)) { tail.personsChanged = true }
                if Self.standingKinds.contains(kind) { tail.restanding.insert(id) }
            case .village:
                break  // no rule reads villages
            case .other where r.streamBytes.starts(with: Self.fundPrefix):
                ownOnly = Self.fundKinds.contains(kind)
                let fund = String(r.stream.dropFirst(Self.fundPrefix.count))
                tail.funds.insert(fund)
                if corrects { tail.correctedFunds.insert(fund) }
            default:
                ownOnly = false
            }
            return ownOnly
        }
        return ownOnly ? tail : nil
    }

    /// Drops the findings judged again: the touched households' and refunded funds', and the cross-household ones it changes.
    private mutating func dropFindingsJudgedAgain(_ tail: FindingsTail, refunds: Set<String>) throws {
        findings.removeAll { f in
            // (A bare `household-` ends in `false` below, as before: no id here is empty.)
            if let id = StreamCategory.household.id(of: f.stream) {
                return tail.households.contains(id) && !HouseholdFindings.crossHouseholdRules.contains(f.rule)
            }
            // A payment's disbursed-to-ineligible stands unless the payment was corrected: the
            // standings it was judged against do not change in such a tail. (A fund stream
            // may have an empty id, as the pass above reads it.)
            guard let fund = StreamCategory.fund.id(orEmptyOf: f.stream) else { return false }
            if f.rule == "disbursed-to-ineligible", let h = f.household, tail.restanding.contains(h) { return true }
            return refunds.contains(fund) && (f.rule != "disbursed-to-ineligible" || tail.correctedFunds.contains(fund))
        }
        openVisits.removeAll { tail.households.contains($0.household) }
        if tail.helpersChanged {
            try decodeHelperChanges()
            findings.removeAll { $0.rule == "helper-overloaded" }
        }
        if tail.personsChanged {
            try decodePersons()
            findings.removeAll { $0.rule == "duplicate-person" || $0.rule == "helper-is-beneficiary" }
        }
        if !tail.restanding.isEmpty {
            undecodedStandings.removeAll { (try? FindingsSnapshot.household(ofStandings: $0)).map(tail.restanding.contains) ?? false }
        }
    }

    /// Folds each touched household from its own stream and judges its own findings again.
    private mutating func judgeHouseholdsAgain(_ tail: FindingsTail, county: CountyState) throws {
        for id in tail.households.sorted() {
            let facts = HouseholdFindings()
            var one = county
            let events = try Corrections.apply(try tail.read(StreamCategory.household.stream(id)))
            one.households[id] = try facts.fold(household: id, events: events)
            let (own, open) = try facts.householdFindings(county: one)
            findings += own.map(\.withHousehold)
            openVisits += open
            if tail.helpersChanged { helperChanges[id] = facts.helperChangesByHousehold()[id] }
            if tail.personsChanged {
                persons[id] = Persons(status: one.households[id]?.status, spans: facts.membershipsByHousehold()[id] ?? [])
                savedPersons[id] = nil
            }
            if tail.restanding.contains(id) { standings[id] = facts.standingsByHousehold()[id] }
        }
    }

    /// Judges duplicate-person and helper-is-beneficiary again over every member, by id number.
    private mutating func judgePersonsAgain() {
        var byIDNumber: [String: [HouseholdFindings.Membership]] = [:]
        byIDNumber.reserveCapacity(persons.count * 4)
        for p in persons.values { for s in p.spans { byIDNumber[s.idNumber, default: []].append(s.span) } }
        // The keys first: sorting while iterating `keys` would copy the whole dictionary.
        let shared = byIDNumber.compactMap { $0.value.count > 1 ? $0.key : nil }
        for k in shared { byIDNumber[k]?.sort { $0.from.position < $1.from.position } }
        let persons = self.persons
        let found = HouseholdFindings.personFindings(byIDNumber, cadres: cadres, status: { persons[$0]?.status })
        findings += found.map(\.withHousehold)
    }

    /// Counts every cadre's load again (helper-overloaded) under the county's policy.
    private mutating func judgeHelperLoadsAgain(county: CountyState) {
        findings += HouseholdFindings.helperLoadFindings(helperChanges, policy: county.policy(on:)).map(\.withHousehold)
    }

    /// Judges disbursed-to-ineligible again for the tail's payments and those to households whose standing changed.
    private mutating func judgePaymentsAgain(_ trails: [FundTrail], tail: FindingsTail, paidRestanding: [FundTrail]) throws {
        // The payments of the tail, and the standings of the households they paid.
        let paid = trails.map { t in
            var trail = t
            if !tail.correctedFunds.contains(t.fund) { trail.payments.removeAll { $0.position < tail.first } }
            // Those to a household whose standing changed come from the search before.
            trail.payments.removeAll { $0.household.map(tail.restanding.contains) ?? false }
            return trail
        } + paidRestanding
        let paidStandings = try standings(of: Set(paid.flatMap(\.payments).lazy.compactMap(\.household)))
        findings += HouseholdFindings.paymentFindings(paid, standings: { paidStandings[$0] ?? [] })
    }

    /// Judges each refunded fund's own findings again and notes whether it still holds money.
    private mutating func judgeFundsAgain(_ trails: [FundTrail], tail: FindingsTail, county: CountyState) throws {
        for trail in trails {
            let fund = trail.fund
            var projects: [String: ProjectState] = [:]
            for p in Set(trail.payments.lazy.compactMap(\.project)) {
                let events = try tail.read(StreamCategory.project.stream(p))
                guard !events.isEmpty else { continue }
                let project = try ProjectState.build(id: p, events: events, asOf: .now)
                if !project.village.isEmpty || !project.notices.isEmpty { projects[p] = project }  // as FundLedger.read keeps them
            }
            let reading = FundLedger.Reading(trails: [trail], horizon: tail.latest, projects: projects)
            findings += FindingRules.funds(reading, policy: county.policy(on:))
            if trail.waits.contains(where: \.stillHeld) { heldFunds.insert(fund) } else { heldFunds.remove(fund) }
        }
    }
}

extension FindingsState {
    /// Every payment to these households in the records before `end`, as a trail per
    /// fund: found by the household's id in the payment's bytes, then decoded; `nil` when
    /// one of them was corrected (judged afresh then).
    ///
    /// - Complexity: one pass over the log that decodes only the corrections of funds and
    ///   the payments whose bytes hold one of the ids.
    static func payments(to households: Set<String>, in store: any EventLog, before end: UInt64) throws -> [FundTrail]? {
        var corrected = Set<UInt64>()
        let needles = households.map { Array($0.utf8) }
        var byFund: [String: FundTrail] = [:]
        try store.forEachRecord(from: 0, through: end - 1) { r in
            guard r.streamBytes.starts(with: fundPrefix) else { return true }
            switch EventKind(typeBytes: r.typeBytes) {
            case .correction:
                corrected.insert(try Fp_Correction(serializedBytes: Array(r.payload)).target)
            case .fundDisbursed:
                let bytes = r.payload
                guard needles.contains(where: { holds(bytes, $0) }) else { return true }
                let m = try Fp_FundDisbursed(serializedBytes: Array(bytes))
                guard case .household(let h)? = m.recipient, households.contains(h) else { return true }
                let fund = String(r.stream.dropFirst(fundPrefix.count))
                byFund[fund, default: FundTrail(fund: fund)].payments.append(
                    FundTrail.FundPayment(position: r.position, effective: r.effective, from: m.from,
                                          to: StreamCategory.household.stream(h), amount: Fen(m.amountFen), purpose: m.purpose,
                                          voucher: m.voucher, path: [m.from]))
            default:
                break
            }
            return true
        }
        // A correction comes after what it corrects: known only at the end of the pass.
        guard !byFund.values.contains(where: { $0.payments.contains { corrected.contains($0.position) } }) else { return nil }
        return byFund.values.sorted { $0.fund < $1.fund }
    }

    /// Whether `needle` occurs in `bytes`.
    private static func holds(_ bytes: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard let head = needle.first, needle.count <= bytes.count else { return needle.isEmpty }
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == head, needle.indices.allSatisfy({ bytes[i + $0] == needle[$0] }) { return true }
            i += 1
        }
        return false
    }

    /// Decodes the persons and cadres read from a saved file.
    mutating func decodePersons() throws {
        persons.reserveCapacity(persons.count + undecodedPersons.count)
        cadres.reserveCapacity(cadres.count + undecodedCadres.count)
        savedPersons.reserveCapacity(savedPersons.count + undecodedPersons.count)
        for message in undecodedPersons {
            let (id, p) = try FindingsSnapshot.persons(message)
            persons[id] = p
            savedPersons[id] = message
        }
        for message in undecodedCadres {
            let (id, c) = try FindingsSnapshot.cadre(message)
            cadres[id] = c
        }
        undecodedPersons = []
        undecodedCadres = []
    }

    /// Decodes the helper changes read from a saved file.
    mutating func decodeHelperChanges() throws {
        helperChanges.reserveCapacity(helperChanges.count + undecodedHelperChanges.count)
        for message in undecodedHelperChanges {
            let (id, list) = try FindingsSnapshot.helperChanges(message)
            helperChanges[id] = list
        }
        undecodedHelperChanges = []
    }

    /// The standings of some households, decoding from the saved file only theirs.
    func standings(of ids: Set<String>) throws -> [String: [HouseholdFindings.Standing]] {
        var out: [String: [HouseholdFindings.Standing]] = [:]
        for id in ids { if let s = standings[id] { out[id] = s } }
        guard out.count < ids.count else { return out }
        for message in undecodedStandings where ids.contains(try FindingsSnapshot.household(ofStandings: message)) {
            let (id, list) = try FindingsSnapshot.standings(message)
            out[id] = list
        }
        return out
    }
}

extension Finding {
    /// With the household filled in from a household stream, where it was not set (a bare
    /// `household-` gives household `""`).
    var withHousehold: Finding {
        guard household == nil, let id = StreamCategory.household.id(orEmptyOf: stream) else { return self }
        var f = self
        f.household = id
        return f
    }
}
